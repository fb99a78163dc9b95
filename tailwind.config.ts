import type { Config } from "tailwindcss";

// Semantic design tokens; components use these names, never raw colours.
const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        background: "hsl(220 20% 98%)",
        foreground: "hsl(222 47% 11%)",
        card: "hsl(0 0% 100%)",
        muted: "hsl(220 14% 95%)",
        "muted-foreground": "hsl(220 9% 40%)",
        border: "hsl(220 13% 88%)",
        primary: "hsl(221 83% 45%)",
        "primary-foreground": "hsl(0 0% 100%)",
        destructive: "hsl(0 72% 45%)",
        "destructive-foreground": "hsl(0 0% 100%)",
        success: "hsl(152 60% 32%)",
        warning: "hsl(32 90% 40%)",
        ring: "hsl(221 83% 53%)",
      },
      fontFamily: {
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
      },
    },
  },
};

export default config;
