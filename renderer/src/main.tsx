import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { StartupError } from './app/StartupError';
import { connectApi } from './api/client';
import { errorMessage } from './api/errors';
import { wireEvents } from './app/wire-events';
import { useConnection } from './state/connection-store';
import { notify } from './state/notifications-store';
import { useSettings } from './state/settings-store';
import { useWorkspace } from './state/workspace-store';
import './styles/app.css';

async function start(): Promise<void> {
  const root = createRoot(document.getElementById('root') as HTMLElement);
  try {
    const api = await connectApi((reason) => {
      useConnection.setState({ lostReason: reason });
      notify('error', reason);
    });
    await useSettings.getState().load();
    wireEvents(api);
    const current = await api.workspace.current({});
    if (current) useWorkspace.getState().opened(current);
    root.render(<App />);
  } catch (error) {
    root.render(<StartupError message={errorMessage(error)} />);
  }
}

void start();
