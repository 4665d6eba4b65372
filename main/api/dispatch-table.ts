import type { ArgOf, MethodName, ResultOf } from '../../preload/api';
import { schemas } from './schemas';
import type { Session } from './session';

type Handler<N extends MethodName> = (session: Session, arg: ArgOf<N>) => Promise<ResultOf<N>> | ResultOf<N>;

/**
 * The one dispatch table: method name → service call. Both transports (Electron IPC and the web
 * host) go through `dispatch()` below and nothing else reaches the services.
 * The mapped type makes a missing method a compile error.
 */
export const handlers: { [N in MethodName]: Handler<N> } = {
  'app.info': (session) => session.info(),
  'settings.get': (session) => session.settings.get(),
  'settings.update': (session, arg) => session.settings.update(arg),
  'workspace.open': (session, arg) => session.openWorkspace(arg.path),
  'workspace.pickAndOpen': (session) => session.pickAndOpen(),
  'workspace.current': (session) => session.currentWorkspace(),
  'workspace.list': (session, arg) => session.requireWorkspace().list(arg.dir),
  'workspace.index': (session) => session.indexWorkspace(),
  'workspace.read': (session, arg) => session.requireWorkspace().read(arg.path),
  'workspace.write': (session, arg) => session.writeFile(arg.path, arg.text, arg.expectedMtimeMs),
  'workspace.createFile': (session, arg) => session.requireWorkspace().createFile(arg.path),
  'workspace.createFolder': (session, arg) => session.requireWorkspace().createFolder(arg.path),
  'workspace.rename': (session, arg) => session.requireWorkspace().rename(arg.from, arg.to),
  'workspace.delete': (session, arg) => session.requireWorkspace().delete(arg.path),
  'tasks.cancel': (session, arg) => ({ cancelled: session.tasks.cancel(arg.id) }),
  'sync.targets': (session) => session.sync.targets(),
  'sync.saveTarget': (session, arg) => session.sync.saveTarget(arg),
  'sync.removeTarget': (session, arg) => session.sync.removeTarget(arg.name),
  'sync.activate': (session, arg) => session.sync.activate(arg.name),
  'sync.status': (session) => session.sync.status(),
  'sync.plan': (session, arg) => session.sync.plan(arg.deleteRemote),
  'sync.run': (session, arg) => session.sync.run(arg.deleteRemote),
  'sync.readRemote': (session, arg) => session.sync.readRemote(arg.path),
  'sync.resolveConflict': (session, arg) => session.sync.resolveConflict(arg.path, arg.choice, arg.text),
  'remote.list': (session, arg) => session.remote.list(arg.dir),
  'remote.read': (session, arg) => session.remote.read(arg.path),
  'remote.write': (session, arg) => session.remote.write(arg.path, arg.text, arg.expected ?? null),
  'remote.download': (session, arg) => session.remote.download(arg.paths, arg.toDir),
  'remote.upload': (session, arg) => session.remote.upload(arg.paths, arg.toDir),
  'remote.mkdir': (session, arg) => session.remote.mkdir(arg.path),
  'remote.rename': (session, arg) => session.remote.rename(arg.from, arg.to),
  'remote.delete': (session, arg) => session.remote.delete(arg.path),
  'git.status': (session) => session.git.status(),
  'git.init': (session) => session.git.init(),
  'git.openGraph': (session) => session.git.openGraph(),
  'git.graphRows': (session, arg) => session.git.graphRows(arg.id, arg.start, arg.count),
  'git.searchGraph': (session, arg) => session.git.searchGraph(arg.id, arg.field, arg.query),
  'git.commitDetails': (session, arg) => session.git.commitDetails(arg.oid),
  'git.compareCommits': (session, arg) => session.git.compareCommits(arg.from, arg.to),
  'git.readVersion': (session, arg) => session.git.readVersion(arg.path, arg.version),
  'git.stage': (session, arg) => session.git.stage(arg.paths),
  'git.unstage': (session, arg) => session.git.unstage(arg.paths),
  'git.stageLines': (session, arg) => session.git.stageLines(arg.path, arg.unstage, arg.selection),
  'git.discard': (session, arg) => session.git.discard(arg.paths),
  'git.undoDiscard': (session, arg) => session.git.undoDiscard(arg.backup),
  'git.commit': (session, arg) => session.git.commit(arg.message, arg.amend),
  'git.lastMessage': (session) => session.git.lastMessage(),
  'git.branches': (session) => session.git.branches(),
  'git.createBranch': (session, arg) => session.git.createBranch(arg.name, arg.from, arg.checkout),
  'git.checkout': (session, arg) => session.git.checkout(arg.ref),
  'git.renameBranch': (session, arg) => session.git.renameBranch(arg.from, arg.to),
  'git.deleteBranch': (session, arg) => session.git.deleteBranch(arg.name, arg.force),
  'git.stashes': (session) => session.git.stashes(),
  'git.stash': (session, arg) => session.git.stash(arg.message, arg.includeUntracked),
  'git.stashPop': (session, arg) => session.git.stashPop(arg.index),
  'git.fetch': (session) => session.git.fetch(),
  'git.pull': (session, arg) => session.git.pull(arg.mode),
  'git.push': (session, arg) => session.git.push(arg.setUpstream),
  'git.fileHistory': (session, arg) => session.git.fileHistory(arg.path),
  'git.blame': (session, arg) => session.git.blame(arg.path),
  'git.patch': (session, arg) => session.git.patch(arg.from, arg.to, arg.untracked),
  'diff.compareFolders': (session, arg) => session.folders.compare(session.requireWorkspace().root, arg.path, arg.with),
  'diff.copyAcross': (session, arg) => session.folders.copyAcross(session.requireWorkspace().root, arg.path, arg.with, arg.direction, arg.items),
  'prompts.answer': (session, arg) => ({ accepted: session.prompts.answer(arg.id, arg.value) }),
};

export { schemas };
