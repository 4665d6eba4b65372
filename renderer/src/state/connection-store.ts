import { create } from 'zustand';

/** Set when the web host's socket closes; the whole window then says so (nothing would save). */
export const useConnection = create<{ lostReason: string | null }>(() => ({ lostReason: null }));
