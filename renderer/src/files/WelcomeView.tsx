import { useState, type FormEvent } from 'react';
import { runCommand } from '../app/commands';
import { shortcutLabel } from '../app/shortcuts';
import { useSettings } from '../state/settings-store';
import { useWorkspace } from '../state/workspace-store';

/** Shown when no folder is open: what to do next, in both Electron (picker) and web (path field). */
export function WelcomeView() {
  const { app, settings } = useSettings();
  const open = useWorkspace((state) => state.open);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim()) return;
    setBusy(true);
    await open(path.trim());
    setBusy(false);
  };

  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Open a project folder</h2>
      <p className="hint">Labdesk edits the project on this machine and, once a server is added, keeps its copy there in sync.</p>
      {app?.canPickFolder && (
        <button type="button" className="button primary" onClick={() => runCommand('workspace.openFolder')}>
          Open Folder… <kbd>{shortcutLabel('Mod+O')}</kbd>
        </button>
      )}
      <form className="path-form" onSubmit={submit}>
        <label htmlFor="folder-path">Folder path</label>
        <div className="path-row">
          <input
            id="folder-path"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder={app?.platform === 'win32' ? 'C:\\Users\\you\\project' : '/home/you/project'}
            value={path}
            onChange={(event) => setPath(event.target.value)}
          />
          <button type="submit" className="button" disabled={busy || !path.trim()}>
            Open
          </button>
        </div>
      </form>
      {settings.recentProjects.length > 0 && (
        <>
          <h3 id="recent-title">Recent projects</h3>
          <ul className="recent-list" aria-labelledby="recent-title">
            {settings.recentProjects.map((project) => (
              <li key={project.path}>
                <button type="button" className="link-button" onClick={() => void open(project.path)} aria-label={`Open recent project ${project.name}`} title={project.path}>
                  <span className="recent-name">{project.name}</span>
                  <span className="recent-path">{project.path}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
