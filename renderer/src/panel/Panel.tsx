import { useNotifications } from '../state/notifications-store';
import { useUi } from '../state/ui-store';

/** The bottom panel (Ctrl/Cmd+J). For now: the notifications of this session; later, run logs and sync activity. */
export function Panel() {
  const { history, clearHistory } = useNotifications();
  const togglePanel = useUi((state) => state.togglePanel);
  return (
    <section className="panel" aria-label="Panel">
      <header className="panel-header">
        <h2 className="panel-title">Notifications</h2>
        <button type="button" className="button" onClick={clearHistory} disabled={history.length === 0}>
          Clear
        </button>
        <button type="button" className="icon-button" aria-label="Close panel" onClick={togglePanel}>
          ×
        </button>
      </header>
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
    </section>
  );
}
