import { EditorArea } from '../editor/EditorArea';
import { setupMonaco } from '../editor/monaco-setup';
import { FilesView } from '../files/FilesView';
import { WelcomeView } from '../files/WelcomeView';
import { DialogHost } from '../dialogs/DialogHost';
import { PromptHost } from '../dialogs/PromptHost';
import { Toasts } from '../notifications/Toasts';
import { Panel } from '../panel/Panel';
import { CommandPalette } from '../picker/CommandPalette';
import { QuickOpen } from '../picker/QuickOpen';
import { StatusBar } from '../status/StatusBar';
import { ServerView } from '../sync/ServerView';
import { SourceControlView } from '../git/SourceControlView';
import { JournalView } from '../journal/JournalView';
import { RunsView } from '../runs/RunsView';
import { MonitorView } from '../monitor/MonitorView';
import { SyncDialogs } from '../sync/SyncDialogs';
import { useConnection } from '../state/connection-store';
import { useUi } from '../state/ui-store';
import { useWorkspace } from '../state/workspace-store';
import { ActivityBar } from './ActivityBar';
import { useGlobalShortcuts } from './use-global-shortcuts';
import { useTheme } from './use-theme';

setupMonaco();

/** The one window (UI.md): activity bar, side bar, editor area, panel, status bar. */
export function App() {
  useGlobalShortcuts();
  useTheme();
  const workspace = useWorkspace((state) => state.info);
  const { sideBarOpen, panelOpen, picker, view } = useUi();
  const lostReason = useConnection((state) => state.lostReason);

  return (
    <div className="app">
      {lostReason && (
        <div className="banner banner-error" role="alert">
          {lostReason}
        </div>
      )}
      <div className="workbench">
        <ActivityBar />
        {sideBarOpen && (
          <aside className="side-bar" aria-label="Side bar">
            {!workspace ? <WelcomeView /> : view === 'server' ? <ServerView /> : view === 'git' ? <SourceControlView /> : view === 'journal' ? <JournalView /> : view === 'runs' ? <RunsView /> : view === 'monitor' ? <MonitorView /> : <FilesView />}
          </aside>
        )}
        <main className="main-area">
          <EditorArea />
          {/* Kept mounted while closed, so terminals keep their screens. */}
          <Panel open={panelOpen} />
        </main>
      </div>
      <StatusBar />
      {picker === 'files' && <QuickOpen />}
      {picker === 'commands' && <CommandPalette />}
      <SyncDialogs />
      <DialogHost />
      <PromptHost />
      <Toasts />
    </div>
  );
}
