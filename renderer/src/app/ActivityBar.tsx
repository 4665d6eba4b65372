import { type SideView, useUi } from '../state/ui-store';
import { shortcutLabel } from './shortcuts';

/** Each side view's button: its accessible name, its tooltip and its icon (24×24 strokes). */
const VIEWS: ReadonlyArray<{ view: SideView; name: string; title: string; icon: string }> = [
  { view: 'files', name: 'Files', title: `Files (${shortcutLabel('Mod+B')} toggles the side bar)`, icon: 'M4 3h9l5 5v13H4z M13 3v5h5' },
  { view: 'server', name: 'Server', title: 'Server: targets, sync and conflicts', icon: 'M4 4h16v6H4z M4 14h16v6H4z M7 7h.01 M7 17h.01' },
  {
    view: 'git',
    name: 'Source control',
    title: 'Source control: changes, commit, branches, graph',
    icon: 'M7 4v10 M7 14a3 3 0 1 0 0.01 0 M17 7a3 3 0 1 0 0.01 0 M17 10c0 4-10 2-10 6 M7 4a1 1 0 1 0 0.01 0',
  },
  { view: 'journal', name: 'Journal', title: 'Journal: notes tied to runs and commits', icon: 'M6 3h11a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H6z M6 3v18 M9 8h6 M9 12h6' },
  { view: 'runs', name: 'Runs', title: 'Runs: launch on the server, follow, stop', icon: 'M7 5l11 7-11 7z' },
  { view: 'monitor', name: 'Monitor', title: "Monitor: the server's GPUs, CPU, memory and disks", icon: 'M3 20h18 M5 16l4-6 4 3 5-8' },
];

/** The activity bar (UI.md): one button per side view (a second press hides the side bar), then the palette. */
export function ActivityBar() {
  const { view, sideBarOpen, showView, toggleSideBar, openPicker } = useUi();
  return (
    <nav className="activity-bar" aria-label="Views">
      {VIEWS.map((item) => (
        <button
          key={item.view}
          type="button"
          className="activity-button"
          aria-label={item.name}
          title={item.title}
          aria-pressed={view === item.view && sideBarOpen}
          onClick={() => (view === item.view && sideBarOpen ? toggleSideBar() : showView(item.view))}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d={item.icon} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" strokeLinecap="round" />
          </svg>
        </button>
      ))}
      <div className="activity-spacer" />
      <button type="button" className="activity-button" aria-label="Command palette" title={`Command palette (${shortcutLabel('Mod+Shift+P')})`} onClick={() => openPicker('commands')}>
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M5 7l5 5-5 5M12 17h7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
    </nav>
  );
}
