import { isRunFinished, type RunRecord, type RunStatus } from '../../preload/api';
import type { RemoteRunFacts } from './tmux-launcher';

/** A run still `launching` this long after it was created, with no session and no files, is lost. */
const LAUNCH_GRACE_MS = 60_000;

/** Slurm job states (squeue %T) that mean "waiting" and "running"; the rest are ends. */
const QUEUED = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD', 'SUSPENDED']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'STAGE_OUT', 'SIGNALING']);

/**
 * A run's status from what the server says, files first (they survive tmux, logouts and
 * dropped connections): an exit code ends it (0 succeeded; stopped when the user asked; else
 * failed); a live session with a start time is running; no session and no exit code is lost.
 */
export function settleStatus(record: RunRecord, facts: RemoteRunFacts | undefined, now: number): RunRecord {
  if (isRunFinished(record.status)) return record;
  if (!facts) return record; // not asked (the host was unreachable): unchanged
  const times = { startedAt: facts.startedAt ?? record.startedAt, endedAt: facts.endedAt ?? record.endedAt };
  if (facts.exitCode !== undefined) {
    const status: RunStatus = facts.exitCode === 0 ? 'succeeded' : record.stopRequested ? 'stopped' : 'failed';
    return { ...record, ...times, status, exitCode: facts.exitCode };
  }
  if (facts.scheduler !== undefined) {
    if (QUEUED.has(facts.scheduler)) return { ...record, ...times, status: 'queued' };
    if (RUNNING.has(facts.scheduler)) return { ...record, ...times, status: 'running' };
    // Ended without the wrapper's exit code: cancelled while queued, timed out, out of memory, a node lost.
    return { ...record, ...times, status: record.stopRequested || facts.scheduler === 'CANCELLED' ? 'stopped' : 'failed', ...(!record.stopRequested && { endReason: facts.scheduler }) };
  }
  if (facts.alive) return { ...record, ...times, status: facts.startedAt ? 'running' : 'launching' };
  if (record.status === 'launching' && now - Date.parse(record.createdAt) < LAUNCH_GRACE_MS) return record;
  return { ...record, ...times, status: record.stopRequested ? 'stopped' : 'lost' };
}
