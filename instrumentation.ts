// Runs once when the server starts: a bad configuration stops it here with one readable
// message, instead of failing later inside a request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkStartup } = await import("@/lib/startup");
  await checkStartup();
}
