import i18next from 'i18next';
import { beforeAll, describe, expect, test } from 'vitest';
import { CourierError } from '../../../shared/errors';
import { en } from '../../../renderer/src/i18n/en';
import { ja } from '../../../renderer/src/i18n/ja';
import { errorMessage } from '../../../renderer/src/lib/error-text';
import { classifyHttpError } from '../../../main/core/rescale/errors';

// Main sends English plus a key; the Japanese UI shows Japanese, the CLI keeps the English.
describe('errors from main in the UI language', () => {
  beforeAll(async () => {
    await i18next.init({
      resources: { en: { translation: en }, ja: { translation: ja } },
      lng: 'ja',
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
    });
  });

  test('a keyed error is translated with its parameters', async () => {
    await i18next.changeLanguage('ja');
    const e = classifyHttpError(401, { detail: 'Invalid token.' }, { host: 'platform.rescale.jp', what: 'read your folders' });
    expect(e.message).toContain('did not accept the API key');
    expect(errorMessage(e.toRpcError())).toBe(ja.errors.httpUnauthorized.replace('{{host}}', 'platform.rescale.jp'));
  });

  test("an error without a key says its kind in Japanese, with main's text as the detail", async () => {
    await i18next.changeLanguage('ja');
    const text = errorMessage(new CourierError('conflict', 'A template named x already exists.').toRpcError());
    expect(text).toBe(`${ja.errors.code.conflict}（詳細: A template named x already exists.）`);
  });

  test("in English the UI shows main's own text", async () => {
    await i18next.changeLanguage('en');
    expect(errorMessage(new CourierError('conflict', 'A template named x already exists.').toRpcError())).toBe('A template named x already exists.');
  });
});
