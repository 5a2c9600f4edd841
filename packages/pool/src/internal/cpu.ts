/** CPU time this process has used (all its threads), in ms: the auto policy's sample and settled() read it. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
