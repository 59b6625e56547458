// What the figures were measured on.
import { cpus, freemem, loadavg, platform, release, totalmem } from "node:os";

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryMB: number;
  freeMemoryMB: number;
  platform: string;
  release: string;
  node: string;
  /** 1/5/15-minute load averages when the run started: other work on the machine skews figures. */
  loadAverage: number[];
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpuModel: c[0]?.model.trim() ?? "unknown",
    cores: c.length,
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    freeMemoryMB: Math.round(freemem() / 1024 / 1024),
    platform: platform(),
    release: release(),
    node: process.version,
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}
