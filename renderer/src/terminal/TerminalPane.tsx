import { useEffect, useRef } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { api } from '../api/client';
import { useSettings } from '../state/settings-store';
import { drawTerminal } from './terminal-output';
import type { TerminalTab } from './terminal-store';

/** Drawn output is acknowledged to main in batches (flow control's low watermark is 256 K). */
const ACK_CHARS = 32 * 1024;
const ACK_MS = 100;
const RESIZE_MS = 80;

/** xterm's colours from the window's theme, so the terminal matches the chrome. */
function terminalTheme() {
  const style = getComputedStyle(document.documentElement);
  const value = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { background: value('--bg', '#1e1e1e'), foreground: value('--fg', '#cccccc'), cursor: value('--fg-strong', '#ffffff'), selectionBackground: value('--bg-selected', '#264f78') };
}

/** The pane's search, for the panel's find box. */
export const terminalSearch = new Map<string, SearchAddon>();

/**
 * One terminal, drawn by xterm.js: keys and pastes go to main, output comes through
 * terminal-output.ts and is acknowledged once xterm has parsed it (flow control), the size
 * follows the panel (fit addon), links open in the browser. Ctrl/Cmd+Shift+C copies the selection.
 */
export function TerminalPane({ tab, visible }: { tab: TerminalTab; visible: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const fit = useRef<FitAddon | null>(null);
  const theme = useSettings((state) => state.settings.theme);
  const id = tab.info.id;

  useEffect(() => {
    if (!box.current) return;
    const terminal = new Terminal({ fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace", fontSize: 13, scrollback: 10_000, cursorBlink: true, theme: terminalTheme(), allowProposedApi: false, disableStdin: tab.info.readOnly });
    const fitAddon = new FitAddon();
    const search = new SearchAddon();
    terminal.loadAddon(fitAddon);
    terminal.loadAddon(search);
    terminal.loadAddon(new WebLinksAddon((_event, uri) => window.open(uri, '_blank', 'noopener')));
    terminal.open(box.current);
    terminal.textarea?.setAttribute('aria-label', `Terminal ${tab.info.title}`);
    term.current = terminal;
    fit.current = fitAddon;
    terminalSearch.set(id, search);
    if (tab.info.notice) terminal.writeln(`\x1b[33m${tab.info.notice}\x1b[0m`);
    if (tab.info.readOnly) terminal.writeln('\x1b[2m(read-only: watching the run, keys are not sent)\x1b[0m');

    let unacknowledged = 0;
    let ackTimer: ReturnType<typeof setTimeout> | null = null;
    const sendAck = () => {
      if (ackTimer) clearTimeout(ackTimer);
      ackTimer = null;
      if (unacknowledged === 0) return;
      const chars = unacknowledged;
      unacknowledged = 0;
      void api().terminal.ack({ id, chars }).catch(() => undefined);
    };
    const stopDrawing = drawTerminal(id, (data) => {
      terminal.write(data, () => {
        unacknowledged += data.length;
        if (unacknowledged >= ACK_CHARS) sendAck();
        else ackTimer ??= setTimeout(sendAck, ACK_MS);
      });
    });
    const typing = terminal.onData((data) => void api().terminal.input({ id, data }).catch(() => undefined));
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type === 'keydown' && (event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'c') {
        const selection = terminal.getSelection();
        if (selection) void navigator.clipboard.writeText(selection).catch(() => undefined);
        return false;
      }
      return true;
    });

    let resizeTimer: ReturnType<typeof setTimeout> | null = null;
    const sizeToBox = () => {
      if (!box.current || box.current.clientWidth === 0) return; // hidden: keep the last size
      fitAddon.fit();
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => void api().terminal.resize({ id, cols: terminal.cols, rows: terminal.rows }).catch(() => undefined), RESIZE_MS);
    };
    const observer = new ResizeObserver(sizeToBox);
    observer.observe(box.current);
    sizeToBox();
    return () => {
      observer.disconnect();
      typing.dispose();
      stopDrawing();
      sendAck();
      if (resizeTimer) clearTimeout(resizeTimer);
      terminalSearch.delete(id);
      terminal.dispose();
      term.current = null;
    };
    // The terminal lives as long as its tab; its info does not change.
  }, [id]);

  useEffect(() => {
    if (term.current) term.current.options.theme = terminalTheme();
  }, [theme]);

  useEffect(() => {
    if (!visible) return;
    fit.current?.fit();
    term.current?.focus();
  }, [visible]);

  useEffect(() => {
    if (tab.state === 'reconnecting') term.current?.writeln(`\r\n\x1b[33m[the connection dropped; reattaching to the same shell…]\x1b[0m`);
    if (tab.state === 'ended') term.current?.writeln(`\r\n\x1b[2m[${tab.message ?? 'the shell ended'}]\x1b[0m`);
  }, [tab.state, tab.message]);

  return <div className="terminal-pane" ref={box} hidden={!visible} role="region" aria-label={`Terminal ${tab.info.title}`} />;
}
