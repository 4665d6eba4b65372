import { useNotifications } from '../state/notifications-store';

/** Notifications in the corner: errors stay until dismissed, info fades by itself. */
export function Toasts() {
  const { visible, dismiss } = useNotifications();
  return (
    <div className="toasts" aria-label="Notifications">
      {visible.map((notification) => (
        <div
          key={notification.id}
          className={`toast toast-${notification.level}`}
          role={notification.level === 'info' ? 'status' : 'alert'}
        >
          <div className="toast-text">
            {notification.source && <div className="toast-source">{notification.source}</div>}
            <div>{notification.message}</div>
          </div>
          <div className="toast-actions">
            {notification.actions?.map((action) => (
              <button
                key={action.label}
                type="button"
                className="button"
                onClick={() => {
                  dismiss(notification.id);
                  action.run();
                }}
              >
                {action.label}
              </button>
            ))}
            <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismiss(notification.id)}>
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
