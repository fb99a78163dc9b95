"use client";

import { useQuery } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import { bucketListQuery } from "@/lib/queries";

export function BucketList({ profileId }: { profileId: string }) {
  const buckets = useQuery(bucketListQuery(profileId));

  if (buckets.isPending) {
    return <Card className="p-5 text-sm text-muted-foreground" role="status">Listing buckets…</Card>;
  }
  if (buckets.isError) {
    return (
      <Card role="alert" className="border-destructive/40 p-5 text-sm">
        <p className="font-medium text-destructive">Could not list buckets</p>
        <p className="mt-1 text-muted-foreground">{buckets.error.message}</p>
      </Card>
    );
  }
  if (buckets.data.length === 0) {
    return <Card className="p-5 text-sm text-muted-foreground">This endpoint has no buckets the key can see.</Card>;
  }
  return (
    <Card>
      <table className="w-full text-sm">
        <caption className="sr-only">Buckets</caption>
        <thead className="border-b border-border text-left text-xs text-muted-foreground uppercase">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">Bucket</th>
            <th scope="col" className="px-4 py-2 font-medium">Created</th>
          </tr>
        </thead>
        <tbody>
          {buckets.data.map((bucket) => (
            <tr key={bucket.name} className="border-b border-border last:border-0">
              <td className="px-4 py-2 font-mono">{bucket.name}</td>
              <td className="px-4 py-2 text-muted-foreground">
                {bucket.createdAt ? new Date(bucket.createdAt).toLocaleString() : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
