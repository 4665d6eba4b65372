import { create } from 'zustand';

export type PickerKind = 'files' | 'commands';
export type SideView = 'files' | 'server' | 'git' | 'journal' | 'runs' | 'monitor';
/** What the bottom panel shows. */
export type PanelView = 'terminal' | 'notifications';

interface UiState {
  readonly picker: PickerKind | null;
  readonly panelOpen: boolean;
  readonly sideBarOpen: boolean;
  readonly view: SideView;
  readonly panelView: PanelView;
  openPicker(kind: PickerKind): void;
  closePicker(): void;
  togglePanel(): void;
  toggleSideBar(): void;
  showView(view: SideView): void;
  /** Opens the panel on one of its views. */
  showPanel(view: PanelView): void;
}

export const useUi = create<UiState>((set, get) => ({
  picker: null,
  panelOpen: false,
  sideBarOpen: true,
  view: 'files',
  panelView: 'terminal',
  openPicker: (picker) => set({ picker }),
  closePicker: () => set({ picker: null }),
  togglePanel: () => set({ panelOpen: !get().panelOpen }),
  toggleSideBar: () => set({ sideBarOpen: !get().sideBarOpen }),
  showView: (view) => set({ view, sideBarOpen: true }),
  showPanel: (panelView) => set({ panelView, panelOpen: true }),
}));
