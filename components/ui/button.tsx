"use client";

import { cva, type VariantProps } from "class-variance-authority";
import type { ComponentProps } from "react";
import { useHydrated } from "@/components/ui/use-hydrated";
import { cn } from "@/lib/utils";

const buttonVariants = cva(
  "inline-flex items-center justify-center gap-1.5 rounded-md text-sm font-medium whitespace-nowrap transition-colors disabled:pointer-events-none disabled:opacity-50",
  {
    variants: {
      variant: {
        primary: "bg-primary text-primary-foreground hover:bg-primary/90",
        destructive: "bg-destructive text-destructive-foreground hover:bg-destructive/90",
        outline: "border border-border bg-card hover:bg-muted",
        ghost: "hover:bg-muted",
      },
      size: {
        sm: "h-7 px-2.5 text-xs",
        md: "h-9 px-3.5",
        icon: "size-7",
      },
    },
    defaultVariants: { variant: "primary", size: "md" },
  },
);

export function Button({
  className,
  variant,
  size,
  type = "button",
  disabled,
  ...props
}: ComponentProps<"button"> & VariantProps<typeof buttonVariants>) {
  // In the server's HTML a click would do nothing, and a submit button would let the form
  // submit natively (its fields in the URL): disabled until React handles it.
  const hydrated = useHydrated();
  return (
    <button
      data-slot="button"
      type={type}
      disabled={!hydrated || disabled}
      className={cn(buttonVariants({ variant, size }), className)}
      {...props}
    />
  );
}
