// Session and navigation hardening, applied to every web contents the app ever creates.
import { app, session, shell, type WebContents } from 'electron';
import { checkExternalUrl } from '../core/security/url-policy';
import { originOf } from '../core/security/sender';

export function hardenSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_req, callback) => callback({}));
}

function openOutside(url: string): void {
  const verdict = checkExternalUrl(url);
  if (verdict.ok) void shell.openExternal(verdict.url);
}

export function hardenNavigation(appOrigin: string): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openOutside(url);
      return { action: 'deny' };
    });
    const block = (e: { preventDefault(): void }, url: string) => {
      if (originOf(url) === appOrigin) return;
      e.preventDefault();
      openOutside(url);
    };
    contents.on('will-navigate', (e) => block(e, e.url));
    contents.on('will-frame-navigate', (e) => {
      if (!e.isMainFrame) e.preventDefault();
    });
    contents.on('will-redirect', (e) => block(e, e.url));
  });
}
