// `npm run check-config [-- --env-file FILE]`: checks the environment and the profiles file it
// names, as the server does when it starts, and prints every problem with the setting's name
// and what to do (never a secret's value). Exit status 1 when the server would refuse to start.
// --env-file reads KEY=value lines first, e.g. the systemd unit's EnvironmentFile.
import { checkConfig, formatConfigReport, hasErrors } from "@/lib/config-check";

const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? "";
  if (arg === "--env-file" && args[i + 1]) process.loadEnvFile(args[++i]);
  else if (arg.startsWith("--env-file=")) process.loadEnvFile(arg.slice("--env-file=".length));
  else {
    console.error(
      `check-config: unknown argument ${arg} (usage: npm run check-config -- [--env-file FILE])`,
    );
    process.exit(2);
  }
}

const report = checkConfig(process.env);
console.log(formatConfigReport(report));
process.exit(hasErrors(report) ? 1 : 0);
