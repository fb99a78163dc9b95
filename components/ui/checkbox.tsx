"use client";

import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/**
 * A native checkbox (keyboard and screen readers for free). `indeterminate` is a DOM property,
 * not an attribute: set through the ref; browsers then expose it as "mixed".
 */
export function Checkbox({
  className,
  indeterminate = false,
  ...props
}: Omit<ComponentProps<"input">, "type"> & { indeterminate?: boolean }) {
  return (
    <input
      type="checkbox"
      data-slot="checkbox"
      ref={(element) => {
        if (element) element.indeterminate = indeterminate;
      }}
      className={cn(
        "accent-primary size-4 cursor-pointer focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
        className,
      )}
      {...props}
    />
  );
}
