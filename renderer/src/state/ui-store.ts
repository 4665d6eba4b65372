import { create } from 'zustand';

export type PickerKind = 'files' | 'commands';
export type SideView = 'files' | 'server' | 'git' | 'journal' | 'runs';

interface UiState {
  readonly picker: PickerKind | null;
  readonly panelOpen: boolean;
  readonly sideBarOpen: boolean;
  readonly view: SideView;
  openPicker(kind: PickerKind): void;
  closePicker(): void;
  togglePanel(): void;
  toggleSideBar(): void;
  showView(view: SideView): void;
}

export const useUi = create<UiState>((set, get) => ({
  picker: null,
  panelOpen: false,
  sideBarOpen: true,
  view: 'files',
  openPicker: (picker) => set({ picker }),
  closePicker: () => set({ picker: null }),
  togglePanel: () => set({ panelOpen: !get().panelOpen }),
  toggleSideBar: () => set({ sideBarOpen: !get().sideBarOpen }),
  showView: (view) => set({ view, sideBarOpen: true }),
}));
