import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/utils";

/**
 * A data table in a frame that scrolls sideways when the table is wider than its
 * column, with a caption for screen readers. `className` styles the frame (borders,
 * `hidden sm:block`, a max height), `tableClassName` the table (`min-w-*`,
 * `table-fixed`). Children are the table's own: `colgroup`, `thead`, `tbody`.
 */
export function ScrollTable({
  caption,
  className,
  tableClassName,
  children,
  ...props
}: ComponentProps<"div"> & { caption: ReactNode; tableClassName?: string }) {
  return (
    <div data-slot="table-frame" className={cn("overflow-x-auto", className)} {...props}>
      <table data-slot="table" className={cn("w-full text-sm", tableClassName)}>
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

/** The `thead`: small, muted, left-aligned header text. */
export function TableHeader({ className, ...props }: ComponentProps<"thead">) {
  return (
    <thead
      data-slot="table-header"
      className={cn("text-muted-foreground text-left text-xs", className)}
      {...props}
    />
  );
}

/**
 * A column header (`th scope="col"`). `numeric` right-aligns it over a column of
 * right-aligned numbers. Padding stays with the caller: each table has its own density.
 */
export function ColumnHeader({
  numeric = false,
  className,
  ...props
}: ComponentProps<"th"> & { numeric?: boolean }) {
  return (
    <th
      scope="col"
      data-slot="column-header"
      className={cn("font-medium", numeric && "text-right", className)}
      {...props}
    />
  );
}

/** A `tbody` row with a divider below it, none below the last. */
export function BodyRow({ className, ...props }: ComponentProps<"tr">) {
  return (
    <tr
      data-slot="body-row"
      className={cn("border-border border-b last:border-0", className)}
      {...props}
    />
  );
}
