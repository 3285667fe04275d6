import type { Messages } from './en';

export const ja: Messages = {
  app: { title: 'Courier', offline: 'オフライン: Rescale に接続できません。接続が戻るとキューの処理が送信されます。', disconnected: 'Courier に再接続しています…' },
  nav: { transfers: '転送', jobs: 'ジョブ', templates: 'テンプレート', files: 'ファイル', settings: '設定', activity: 'アクティビティ' },
  transfers: { empty: '転送はまだありません。ファイルやフォルダーをここにドロップするか、選択してアップロードしてください。' },
  jobs: { empty: 'ジョブはまだありません。テンプレートから起動してください。' },
  templates: { empty: 'テンプレートはまだありません。' },
  files: { empty: 'サインインすると Rescale のファイルを閲覧できます。' },
  settings: { title: '設定' },
  activity: { empty: 'まだ何も起きていません。', export: 'エクスポート', all: 'すべて', level: 'レベル' },
};
