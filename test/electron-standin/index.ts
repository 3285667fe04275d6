/// <reference types="electron" />
// A stand-in for exactly the part of Electron that main/app uses, so the shell's real modules
// run under Node in the `shell` vitest project (which aliases 'electron' to this file). Only
// TYPES come from Electron: each export is a Pick of Electron's own declaration, so a member
// that Electron renames or retypes fails `npm run typecheck`; and scripts/typecheck-shell.mjs
// compiles main/app against this file, so a member main/app starts using that is missing here
// fails too. Tests drive it through `standin` (the OS side: clicks, theme, sleep, dialogs).
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

type EventMembers = 'on' | 'once' | 'off' | 'removeListener';
/** `impl` checked against Electron's type; event methods aside (Electron overloads them per event, returning its own class). */
const typed = <T>(impl: Omit<T, EventMembers> & EventEmitter): T => impl as unknown as T;

/**
 * A class's static methods against Electron's: the same parameters and result, except that a list
 * of Electron's own objects becomes a list of the stand-in's Pick of them (`Item`).
 */
type StaticsOf<C, K extends keyof C, Item> = {
  [P in K]: C[P] extends (...args: infer A) => infer R ? (...args: A) => R extends readonly unknown[] ? Item[] : R : never;
};

/** Electron's event object: preventDefault() plus the event's own fields. */
export function electronEvent<P extends object>(params: P = {} as P): Electron.Event<P> {
  const e = { ...params, defaultPrevented: false, preventDefault: () => void (e.defaultPrevented = true) };
  return e;
}

/** The OS side of the stand-in: what tests observe and trigger. */
class Control extends EventEmitter {
  lockAvailable = true;
  notificationsSupported = true;
  version = '0.0.0-standin';
  quitRequested = 0;
  exitCode: number | null = null;
  quitted = false;
  windows: BrowserWindowStandin[] = [];
  trays: TrayStandin[] = [];
  notifications: NotificationStandin[] = [];
  messageBoxes: { options: Electron.MessageBoxOptions; respond(response: number): void }[] = [];
  errorBoxes: { title: string; content: string }[] = [];
  opened: string[] = [];
  /** Folders shown with shell.openPath. */
  openedFolders: string[] = [];
  /** Every webContents.send, across windows (a closed window's too). */
  sentToWindows: { channel: string; args: unknown[] }[] = [];
  privilegedSchemes: Electron.CustomScheme[] = [];
  protocolHandlers = new Map<string, (request: GlobalRequest) => GlobalResponse | Promise<GlobalResponse>>();
  ipcHandlers = new Map<string, (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  permissionHandlers: unknown[] = [];
  sandboxEnabled = false;
  storage = { available: true, backend: 'gnome_libsecret' as ReturnType<Electron.SafeStorage['getSelectedStorageBackend']>, key: randomBytes(32) };

  /** Back to a freshly started app (module state persists across tests in one file). */
  reset(): void {
    for (const e of [appImpl, nativeTheme as unknown as EventEmitter, powerMonitor as unknown as EventEmitter]) e.removeAllListeners();
    Object.assign(this, { lockAvailable: true, notificationsSupported: true, quitRequested: 0, exitCode: null, quitted: false, sandboxEnabled: false });
    this.windows = [];
    this.trays = [];
    this.notifications = [];
    this.messageBoxes = [];
    this.errorBoxes = [];
    this.opened = [];
    this.openedFolders = [];
    this.sentToWindows = [];
    this.privilegedSchemes = [];
    this.protocolHandlers.clear();
    this.ipcHandlers.clear();
    this.permissionHandlers = [];
    // The key stays: it belongs to the machine's keychain, which outlives the app.
    this.storage = { ...this.storage, available: true, backend: 'gnome_libsecret' };
    nativeThemeImpl.shouldUseDarkColors = false;
    this.removeAllListeners();
  }
  /** The OS switched between light and dark. */
  setDark(dark: boolean): void {
    nativeThemeImpl.shouldUseDarkColors = dark;
    nativeThemeImpl.emit('updated');
  }
  /** A request to app://, as the renderer would make it. */
  async fetch(url: string, init?: RequestInit): Promise<GlobalResponse> {
    const handler = this.protocolHandlers.get(new URL(url).protocol.replace(/:$/, ''));
    if (!handler) throw new Error(`no protocol handler for ${url}`);
    return handler(new Request(url, init));
  }
  /** An ipcRenderer.invoke from a frame (`parent: null` for a main frame). */
  async invoke(channel: string, input: unknown, frame: { url: string; parent: object | null } | null): Promise<unknown> {
    const handler = this.ipcHandlers.get(channel);
    if (!handler) throw new Error(`no ipcMain handler for ${channel}`);
    return handler({ senderFrame: frame } as unknown as Electron.IpcMainInvokeEvent, input);
  }
  /** The user closed a window (its close button). */
  closeWindow(w: BrowserWindowStandin): void {
    const e = electronEvent();
    w.emit('close', e);
    if (e.defaultPrevented) return;
    w.destroy();
    if (this.windows.length === 0) appImpl.emit('window-all-closed');
  }
  /** Courier is launched again while this one runs (Electron calls the first one's handler). */
  secondLaunch(argv: string[] = []): void {
    appImpl.emit('second-instance', electronEvent(), argv, process.cwd(), {});
  }
  /** The machine goes to sleep or wakes up. */
  power(event: 'suspend' | 'resume'): void {
    (powerMonitor as unknown as EventEmitter).emit(event, electronEvent());
  }
  get tray(): TrayStandin {
    const t = this.trays.at(-1);
    if (!t) throw new Error('no tray was created');
    return t;
  }
}
export const standin = new Control();

// ---- app
// getPath: electron-store (the settings backend) asks for the default folder.
type AppMembers = 'enableSandbox' | 'requestSingleInstanceLock' | 'quit' | 'exit' | 'on' | 'whenReady' | 'getVersion' | 'getPath';
class AppStandin extends EventEmitter {
  private readonly ready = Promise.resolve();
  enableSandbox(): void {
    standin.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    return standin.lockAvailable;
  }
  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    return `/nonexistent/standin-${name}`; // the shell always passes its own folders
  }
  getVersion(): string {
    return standin.version;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Electron's order: before-quit, every window closes, will-quit, quit; each but the last can be prevented. */
  quit(): void {
    standin.quitRequested++;
    const before = electronEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    for (const w of [...standin.windows]) {
      const e = electronEvent();
      w.emit('close', e);
      if (e.defaultPrevented) return;
      w.destroy();
    }
    const will = electronEvent();
    this.emit('will-quit', will);
    if (will.defaultPrevented) return;
    standin.quitted = true;
    this.emit('quit', electronEvent(), 0);
    standin.emit('quit');
  }
  exit(exitCode = 0): void {
    standin.exitCode = exitCode;
    standin.emit('exit', exitCode);
  }
}
const appImpl = new AppStandin();
export const app = typed<Pick<Electron.App, AppMembers>>(appImpl);

// ---- BrowserWindow and its webContents
type WebContentsMembers = 'on' | 'isDestroyed' | 'getURL' | 'send' | 'setWindowOpenHandler';
export type WebContents = Pick<Electron.WebContents, WebContentsMembers>;
class WebContentsStandin extends EventEmitter {
  url = '';
  destroyed = false;
  sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0] | null = null;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
    standin.sentToWindows.push({ channel, args });
  }
  setWindowOpenHandler(handler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0]): void {
    this.windowOpenHandler = handler;
  }
}

type WindowMembers = 'on' | 'once' | 'hide' | 'isDestroyed' | 'loadURL' | 'isMinimized' | 'restore' | 'show' | 'focus' | 'webContents';
export type BrowserWindow = Omit<Pick<Electron.BrowserWindow, WindowMembers>, 'webContents'> & { readonly webContents: WebContents };
export class BrowserWindowStandin extends EventEmitter {
  readonly contents = new WebContentsStandin();
  readonly webContents = typed<WebContents>(this.contents);
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  loaded: string[] = [];
  constructor(readonly options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    standin.windows.push(this);
    appImpl.emit('web-contents-created', electronEvent(), this.webContents);
  }
  static getAllWindows(): BrowserWindow[] {
    return standin.windows.map((w) => w as unknown as BrowserWindow);
  }
  hide(): void {
    this.visible = false;
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.contents.url = url;
    this.emit('ready-to-show', electronEvent());
  }
  destroy(): void {
    this.destroyed = true;
    this.contents.destroyed = true;
    standin.windows = standin.windows.filter((w) => w !== this);
  }
}
// `satisfies` checks the statics too (the cast alone would let their signatures drift).
export const BrowserWindow = BrowserWindowStandin satisfies StaticsOf<typeof Electron.BrowserWindow, 'getAllWindows', BrowserWindow> as unknown as Pick<
  typeof Electron.BrowserWindow,
  'getAllWindows'
> &
  (new (options?: Electron.BrowserWindowConstructorOptions) => BrowserWindow);
/** Type-only: the class's members against Electron's (never called). */
export const windowChecked = (w: BrowserWindowStandin): Omit<BrowserWindow, EventMembers | 'webContents'> => w;

// ---- tray, menu, images, theme
export type MenuItemConstructorOptions = Electron.MenuItemConstructorOptions;
export class MenuStandin {
  constructor(readonly template: MenuItemConstructorOptions[]) {}
  /** The item labelled `label` (throws if there is none, naming the labels there are). */
  item(label: string | RegExp): MenuItemConstructorOptions {
    const found = this.template.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')));
    if (!found) throw new Error(`no menu item ${String(label)} in: ${this.labels().join(' | ')}`);
    return found;
  }
  labels(): string[] {
    return this.template.filter((i) => i.label).map((i) => i.label!);
  }
  /** The user picks the item. */
  click(label: string | RegExp): void {
    const i = this.item(label);
    if (i.enabled === false || !i.click) throw new Error(`menu item ${String(label)} cannot be clicked`);
    i.click({} as Electron.MenuItem, undefined, {} as Electron.KeyboardEvent);
  }
}
export const Menu: Pick<typeof Electron.Menu, 'buildFromTemplate'> = {
  buildFromTemplate: (template) => new MenuStandin(template as MenuItemConstructorOptions[]) as unknown as Electron.Menu,
};

export type NativeImage = Pick<Electron.NativeImage, 'setTemplateImage'>;
export class NativeImageStandin {
  template = false;
  constructor(readonly path: string) {}
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
}
export const nativeImage: Pick<typeof Electron.nativeImage, 'createFromPath'> = {
  createFromPath: (path) => new NativeImageStandin(path) as unknown as Electron.NativeImage,
};

class NativeThemeStandin extends EventEmitter {
  shouldUseDarkColors = false;
}
const nativeThemeImpl = new NativeThemeStandin();
export const nativeTheme = typed<Pick<Electron.NativeTheme, 'shouldUseDarkColors' | 'on' | 'off'>>(nativeThemeImpl);

type TrayMembers = 'setToolTip' | 'setTitle' | 'setContextMenu' | 'setImage' | 'on' | 'destroy';
export type Tray = Pick<Electron.Tray, TrayMembers>;
export class TrayStandin extends EventEmitter {
  tooltip = '';
  title = '';
  menu: MenuStandin | null = null;
  destroyed = false;
  constructor(public image: Electron.NativeImage | string) {
    super();
    standin.trays.push(this);
  }
  get imagePath(): string {
    return typeof this.image === 'string' ? this.image : (this.image as unknown as NativeImageStandin).path;
  }
  setToolTip(toolTip: string): void {
    this.tooltip = toolTip;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setContextMenu(menu: Electron.Menu | null): void {
    this.menu = menu as unknown as MenuStandin | null;
  }
  setImage(image: Electron.NativeImage | string): void {
    this.image = image;
  }
  destroy(): void {
    this.destroyed = true;
  }
}
export const Tray = TrayStandin as unknown as new (image: Electron.NativeImage | string) => Tray;
export const trayChecked = (t: TrayStandin): Omit<Tray, EventMembers> => t;

// ---- notifications
type NotificationMembers = 'on' | 'show';
export type Notification = Pick<Electron.Notification, NotificationMembers>;
export class NotificationStandin extends EventEmitter {
  shown = false;
  constructor(readonly options: Electron.NotificationConstructorOptions = {}) {
    super();
  }
  static isSupported(): boolean {
    return standin.notificationsSupported;
  }
  show(): void {
    this.shown = true;
    standin.notifications.push(this);
    standin.emit('notification', this);
  }
  /** The user clicks it. */
  click(): void {
    this.emit('click', electronEvent());
  }
}
export const Notification = NotificationStandin satisfies StaticsOf<typeof Electron.Notification, 'isSupported', Notification> as unknown as Pick<
  typeof Electron.Notification,
  'isSupported'
> &
  (new (options?: Electron.NotificationConstructorOptions) => Notification);
export const notificationChecked = (n: NotificationStandin): Omit<Notification, EventMembers> => n;

// ---- safeStorage: real encryption (AES-GCM, a key per run), so a key in clear on disk shows.
export const safeStorage: Pick<Electron.SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'> = {
  isEncryptionAvailable: () => standin.storage.available,
  getSelectedStorageBackend: () => standin.storage.backend,
  encryptString(plainText) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', standin.storage.key, iv);
    const body = Buffer.concat([c.update(plainText, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  },
  decryptString(encrypted) {
    const d = createDecipheriv('aes-256-gcm', standin.storage.key, encrypted.subarray(0, 12));
    d.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([d.update(encrypted.subarray(28)), d.final()]).toString('utf8');
  },
};

// ---- app:// and the network
export const protocol: Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'> = {
  registerSchemesAsPrivileged: (schemes) => void standin.privilegedSchemes.push(...schemes),
  handle: (scheme, handler) => void standin.protocolHandlers.set(scheme, handler),
};

/** Only file:// is needed (the renderer's files); anything else is a test mistake. */
export const net: Pick<Electron.Net, 'fetch'> = {
  async fetch(input) {
    const url = typeof input === 'string' ? input : input.url;
    if (!url.startsWith('file:')) throw new Error(`the stand-in's net.fetch serves file:// only, not ${url}`);
    try {
      return new Response(await readFile(fileURLToPath(url)), { status: 200 });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  },
};

type SessionMembers =
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setDisplayMediaRequestHandler' | 'resolveProxy';
const defaultSession: Pick<Electron.Session, SessionMembers> = {
  setPermissionRequestHandler: (h) => void standin.permissionHandlers.push(h),
  setPermissionCheckHandler: (h) => void standin.permissionHandlers.push(h),
  setDevicePermissionHandler: (h) => void standin.permissionHandlers.push(h),
  setDisplayMediaRequestHandler: (h) => void standin.permissionHandlers.push(h),
  resolveProxy: async () => 'DIRECT',
};
export const session: { defaultSession: typeof defaultSession } & Pick<typeof Electron.session, never> = { defaultSession };

// ---- power, dialogs, the OS shell, IPC
export const powerMonitor = typed<Pick<Electron.PowerMonitor, 'on'>>(new EventEmitter());

export const dialog: Pick<Electron.Dialog, 'showMessageBox' | 'showErrorBox'> = {
  showMessageBox(...args: [Electron.BaseWindow, Electron.MessageBoxOptions] | [Electron.MessageBoxOptions]) {
    const options = args.length === 2 ? args[1] : args[0];
    return new Promise<Electron.MessageBoxReturnValue>((resolve) => {
      const box = { options, respond: (response: number) => resolve({ response, checkboxChecked: false }) };
      standin.messageBoxes.push(box);
      standin.emit('messageBox', box);
    });
  },
  showErrorBox: (title, content) => void standin.errorBoxes.push({ title, content }),
};

export const shell: Pick<Electron.Shell, 'openExternal' | 'openPath'> = {
  openExternal: async (url) => void standin.opened.push(url),
  openPath: async (path) => {
    standin.openedFolders.push(path);
    return '';
  },
};

export const ipcMain = typed<Pick<Electron.IpcMain, 'handle' | 'removeHandler'>>(
  Object.assign(new EventEmitter(), {
    handle: (channel: string, listener: (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => unknown) => void standin.ipcHandlers.set(channel, listener),
    removeHandler: (channel: string) => void standin.ipcHandlers.delete(channel),
  }),
);

/** electron-store reads `electron`'s default export (CommonJS style). */
export default {
  app,
  BrowserWindow,
  Menu,
  nativeImage,
  nativeTheme,
  Tray,
  Notification,
  safeStorage,
  protocol,
  net,
  session,
  powerMonitor,
  dialog,
  shell,
  ipcMain,
};
