import { useEffect, useState } from 'react';
import { useSync } from '../sync/sync-store';
import { TerminalPane, terminalSearch } from './TerminalPane';
import { type TerminalTab, useTerminals } from './terminal-store';

function tabLabel(tab: TerminalTab): string {
  const state = tab.state === 'reconnecting' ? ' (reconnecting)' : tab.state === 'ended' ? ' (ended)' : '';
  return `${tab.info.title}${tab.info.readOnly ? ' (read-only)' : ''}${state}`;
}

/**
 * The panel's Terminal view: a tab per terminal (shells on the active server, runs' sessions),
 * New terminal, Reattach for shells left on the server by an earlier window, and find.
 */
export function TerminalPanel() {
  const { tabs, activeId, opening, leftOnServer, open, close, activate, findLeftOnServer } = useTerminals();
  const connected = useSync((state) => state.status.connection === 'connected');
  const target = useSync((state) => state.status.target);
  const [query, setQuery] = useState('');
  useEffect(() => {
    if (connected) void findLeftOnServer();
  }, [connected, target, findLeftOnServer]);

  return (
    <div className="terminal-panel">
      <div className="terminal-bar">
        <div role="tablist" aria-label="Terminals" className="terminal-tabs">
          {tabs.map((tab) => (
            <span key={tab.info.id} className={`terminal-tab${tab.info.id === activeId ? ' active' : ''} term-${tab.state}`}>
              <button type="button" role="tab" aria-selected={tab.info.id === activeId} onClick={() => activate(tab.info.id)}>
                {tabLabel(tab)}
              </button>
              <button type="button" className="icon-button" aria-label={`Close terminal ${tabLabel(tab)}`} title={tab.info.tmuxSession?.startsWith('labdesk-term-') ? 'Close: the shell ends' : 'Close: the run goes on'} onClick={() => void close(tab.info.id)}>
                ×
              </button>
            </span>
          ))}
        </div>
        <button type="button" className="button small" disabled={!connected || opening} title={connected ? `A shell on ${target} in its remote folder` : 'Activate a server first'} onClick={() => void open()}>
          {opening ? 'Opening…' : 'New terminal'}
        </button>
        {leftOnServer.length > 0 && (
          <select aria-label="Reattach a shell left on the server" value="" onChange={(event) => event.target.value && void open({ session: event.target.value })}>
            <option value="">Reattach ({leftOnServer.length})…</option>
            {leftOnServer.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
        {activeId && (
          <input
            type="search"
            aria-label="Find in the terminal"
            placeholder="Find"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              if (event.target.value) terminalSearch.get(activeId)?.findNext(event.target.value, { incremental: true });
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && query) {
                const search = terminalSearch.get(activeId);
                if (event.shiftKey) search?.findPrevious(query);
                else search?.findNext(query);
              }
            }}
          />
        )}
      </div>
      {tabs.length === 0 ? (
        <p className="hint pad">{connected ? `No terminal yet. New terminal opens a shell on ${target}, backed by tmux there so it survives a dropped connection.` : 'Activate a server in the Server view to open a terminal on it.'}</p>
      ) : (
        tabs.map((tab) => <TerminalPane key={tab.info.id} tab={tab} visible={tab.info.id === activeId} />)
      )}
    </div>
  );
}
