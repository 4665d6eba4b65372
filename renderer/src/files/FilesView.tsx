import { runCommand } from '../app/commands';
import { useWorkspace } from '../state/workspace-store';
import { FileTree } from './FileTree';

function ToolbarButton({ label, command, icon }: { label: string; command: string; icon: string }) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={label} onClick={() => runCommand(command)}>
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <path d={icon} fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}

export function FilesView() {
  const info = useWorkspace((state) => state.info);
  if (!info) return null;
  return (
    <section className="files-view" aria-label="Files">
      <header className="side-header">
        <h2 className="side-title" title={info.root}>
          {info.name}
        </h2>
        <div className="side-actions">
          <ToolbarButton label="New File" command="files.newFile" icon="M4 2h5l3 3v9H4z M8 7v5 M5.5 9.5h5" />
          <ToolbarButton label="New Folder" command="files.newFolder" icon="M2 4h4l1.5 1.5H14V13H2z M8 7v4 M6 9h4" />
          <ToolbarButton label="Refresh Explorer" command="files.refresh" icon="M13 8a5 5 0 1 1-1.5-3.5 M13 2.5V5h-2.5" />
          <ToolbarButton label="Collapse Folders" command="files.collapseAll" icon="M3 5h10 M3 8h10 M3 11h10" />
        </div>
      </header>
      <FileTree />
    </section>
  );
}
