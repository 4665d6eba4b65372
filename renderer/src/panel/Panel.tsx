import { useNotifications } from '../state/notifications-store';
import { type PanelView, useUi } from '../state/ui-store';
import { TerminalPanel } from '../terminal/TerminalPanel';

const VIEWS: ReadonlyArray<{ view: PanelView; name: string }> = [
  { view: 'terminal', name: 'Terminal' },
  { view: 'notifications', name: 'Notifications' },
];

/** The bottom panel (Ctrl/Cmd+J): terminals on the server, and this session's notifications. */
export function Panel({ open }: { open: boolean }) {
  const panelView = useUi((state) => state.panelView);
  const showPanel = useUi((state) => state.showPanel);
  const togglePanel = useUi((state) => state.togglePanel);
  return (
    <section className="panel" aria-label="Panel" hidden={!open}>
      <header className="panel-header">
        <div role="tablist" aria-label="Panel views" className="panel-views">
          {VIEWS.map((item) => (
            <button key={item.view} type="button" role="tab" className="panel-view-tab" aria-selected={panelView === item.view} onClick={() => showPanel(item.view)}>
              {item.name}
            </button>
          ))}
        </div>
        <span className="panel-spacer" />
        <button type="button" className="icon-button" aria-label="Close panel" onClick={togglePanel}>
          ×
        </button>
      </header>
      {/* Terminals stay mounted while Notifications shows, so their screens are kept. */}
      <div className="panel-body" hidden={panelView !== 'terminal'}>
        <TerminalPanel />
      </div>
      {panelView === 'notifications' && <NotificationsList />}
    </section>
  );
}

function NotificationsList() {
  const { history, clearHistory } = useNotifications();
  return (
    <div className="panel-body">
      <div className="terminal-bar">
        <span className="panel-spacer" />
        <button type="button" className="button small" onClick={clearHistory} disabled={history.length === 0}>
          Clear
        </button>
      </div>
      {history.length === 0 ? (
        <p className="hint pad">Nothing to report.</p>
      ) : (
        <ul className="panel-list">
          {history.map((notification) => (
            <li key={`${notification.id}-${notification.at}`} className={`panel-item level-${notification.level}`}>
              <time dateTime={new Date(notification.at).toISOString()}>{new Date(notification.at).toLocaleTimeString()}</time>
              <span className="panel-level">{notification.level}</span>
              {notification.source && <span className="panel-source">{notification.source}</span>}
              <span>{notification.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
