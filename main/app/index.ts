// Electron entry: the thin shell. It hardens Electron, serves the renderer over app://, hands
// core its ports (paths, secrets, settings, notifications, proxy, power events) and bridges the
// contract over IPC. Closing the window keeps transfers running in the tray (configurable).
// The wiring lives in shell.ts, so the shell tests run the same code against a stand-in.
import { startShell } from './shell';

startShell();
