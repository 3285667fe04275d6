import { create } from 'zustand';

interface ConnectionState {
  /** The transport to main (IPC or WebSocket) is up. */
  transportUp: boolean;
  /** The Rescale platform answers (main's view, pushed as `connectivity` events). */
  platformOnline: boolean;
  platformReason?: string;
  setTransportUp(up: boolean): void;
  setPlatform(online: boolean, reason?: string): void;
}

export const useConnection = create<ConnectionState>((set) => ({
  transportUp: false,
  platformOnline: true,
  setTransportUp: (transportUp) => set({ transportUp }),
  setPlatform: (platformOnline, platformReason) => set({ platformOnline, platformReason }),
}));
