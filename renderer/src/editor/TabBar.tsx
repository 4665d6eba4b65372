import { useEditor, tabDirty, tabLocation, tabTitle, type Tab } from '../state/editor-store';

function tabLabel(tab: Tab): string {
  return tabDirty(tab) ? `${tabTitle(tab)}, unsaved changes` : tabTitle(tab);
}

export function TabBar() {
  const { tabs, activeId, activate, closeTab } = useEditor();
  if (tabs.length === 0) return null;
  return (
    <div className="tab-bar" role="tablist" aria-label="Open editors">
      {tabs.map((tab) => {
        const active = tab.id === activeId;
        const dirty = tabDirty(tab);
        const remote = tab.kind === 'remote-file' || tab.kind === 'remote-diff';
        return (
          <div key={tab.id} className={`tab${active ? ' active' : ''}${dirty ? ' dirty' : ''}${remote ? ' remote' : ''}`} title={tabLocation(tab)}>
            <button
              type="button"
              role="tab"
              className="tab-label"
              aria-selected={active}
              aria-label={tabLabel(tab)}
              tabIndex={active ? 0 : -1}
              onClick={() => activate(tab.id)}
              onAuxClick={(event) => event.button === 1 && void closeTab(tab.id)}
            >
              {tabTitle(tab)}
            </button>
            <button type="button" className="tab-close" aria-label={`Close ${tabTitle(tab)}`} title="Close (Ctrl/Cmd+W)" onClick={() => void closeTab(tab.id)}>
              <span className="dirty-dot" aria-hidden="true" />
              <span className="close-x" aria-hidden="true">×</span>
            </button>
          </div>
        );
      })}
    </div>
  );
}
