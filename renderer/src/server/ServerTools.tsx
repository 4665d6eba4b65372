import { useSync } from '../sync/sync-store';
import { serverCheck, useServerTools } from './server-actions';

/** Under the active server: Check server and Set up server, and what each found. */
export function ServerTools({ target }: { target: string }) {
  const { busy, check, setup, error } = useServerTools();
  const dataRoot = useSync((state) => state.targets.find((candidate) => candidate.name === target)?.dataRoot);
  const connected = useSync((state) => state.status.connection === 'connected');
  return (
    <div className="server-tools">
      <div className="form-buttons">
        <button type="button" className="button" disabled={!connected || busy !== null} onClick={() => void serverCheck.check()}>
          {busy === 'check' ? 'Checking…' : 'Check server'}
        </button>
        <button
          type="button"
          className="button"
          disabled={!connected || busy !== null || !dataRoot}
          title={dataRoot ? `Make model/, data/ and output/ in ${dataRoot} and link them into the remote folder` : 'Edit the server and fill in "Data disk folder" first'}
          onClick={() => void serverCheck.setUp()}
        >
          {busy === 'setUp' ? 'Setting up…' : 'Set up server'}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {check?.target === target && (
        <ul className="server-check" aria-label={`Check of ${target}`}>
          {check.items.map((item) => (
            <li key={item.name} className={item.ok === true ? 'check-ok' : item.ok === false ? 'check-bad' : 'check-missing'}>
              <span className="check-mark" aria-hidden="true">
                {item.ok === true ? '✓' : item.ok === false ? '✗' : '–'}
              </span>
              <span className="check-name">{item.name}</span> <span className="check-detail">{item.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {setup?.target === target && (
        <ul className="server-check" aria-label={`Set-up of ${target}`}>
          {setup.created.map((dir) => (
            <li key={`c${dir}`}>made {dir}</li>
          ))}
          {setup.linked.map((item) => (
            <li key={`l${item.link}`}>
              linked {item.link} → {item.to}
            </li>
          ))}
          {setup.found.map((item) => (
            <li key={`f${item.path}`}>
              left {item.path}: {item.what}
            </li>
          ))}
          {setup.errors.map((item) => (
            <li key={`e${item.path}`} className="check-bad" role="alert">
              {item.path}: {item.message}
            </li>
          ))}
          {setup.created.length + setup.linked.length + setup.errors.length === 0 && <li>Nothing to do: everything was already there.</li>}
        </ul>
      )}
    </div>
  );
}
