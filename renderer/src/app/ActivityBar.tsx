import { useUi } from '../state/ui-store';
import { shortcutLabel } from './shortcuts';

/** Icons with accessible names; later features (Runs, Monitor) add theirs. */
export function ActivityBar() {
  const { view, sideBarOpen, showView, toggleSideBar, openPicker } = useUi();
  return (
    <nav className="activity-bar" aria-label="Views">
      <button
        type="button"
        className="activity-button"
        aria-label="Files"
        title={`Files (${shortcutLabel('Mod+B')} toggles the side bar)`}
        aria-pressed={view === 'files' && sideBarOpen}
        onClick={() => (view === 'files' && sideBarOpen ? toggleSideBar() : showView('files'))}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M4 3h9l5 5v13H4z M13 3v5h5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
        </svg>
      </button>
      <button
        type="button"
        className="activity-button"
        aria-label="Server"
        title="Server: targets, sync and conflicts"
        aria-pressed={view === 'server' && sideBarOpen}
        onClick={() => (view === 'server' && sideBarOpen ? toggleSideBar() : showView('server'))}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M4 4h16v6H4z M4 14h16v6H4z M7 7h.01 M7 17h.01" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" strokeLinecap="round" />
        </svg>
      </button>
      <button
        type="button"
        className="activity-button"
        aria-label="Source control"
        title="Source control: changes, commit, branches, graph"
        aria-pressed={view === 'git' && sideBarOpen}
        onClick={() => (view === 'git' && sideBarOpen ? toggleSideBar() : showView('git'))}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M7 4v10 M7 14a3 3 0 1 0 0.01 0 M17 7a3 3 0 1 0 0.01 0 M17 10c0 4-10 2-10 6 M7 4a1 1 0 1 0 0.01 0" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
      <button
        type="button"
        className="activity-button"
        aria-label="Journal"
        title="Journal: notes tied to runs and commits"
        aria-pressed={view === 'journal' && sideBarOpen}
        onClick={() => (view === 'journal' && sideBarOpen ? toggleSideBar() : showView('journal'))}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M6 3h11a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H6z M6 3v18 M9 8h6 M9 12h6" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" strokeLinecap="round" />
        </svg>
      </button>
      <button
        type="button"
        className="activity-button"
        aria-label="Runs"
        title="Runs: launch on the server, follow, stop"
        aria-pressed={view === 'runs' && sideBarOpen}
        onClick={() => (view === 'runs' && sideBarOpen ? toggleSideBar() : showView('runs'))}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M7 5l11 7-11 7z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
        </svg>
      </button>
      <div className="activity-spacer" />
      <button
        type="button"
        className="activity-button"
        aria-label="Command palette"
        title={`Command palette (${shortcutLabel('Mod+Shift+P')})`}
        onClick={() => openPicker('commands')}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M5 7l5 5-5 5M12 17h7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
    </nav>
  );
}
