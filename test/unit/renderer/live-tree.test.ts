import { describe, expect, test } from 'vitest';
import { buildTree, isTextLike } from '../../../renderer/src/views/jobs/live/tree';

const entry = (path: string, size = 1) => ({ path, size, modifiedAt: null });

describe('live files tree', () => {
  test('nests paths into folders, folders first, each level by name', () => {
    const tree = buildTree([entry('process_output.log'), entry('result/log'), entry('result/snapshot_iter_600'), entry('a.txt'), entry('result/cg/graph.dot')]);
    expect(tree.map((n) => n.name)).toEqual(['result', 'a.txt', 'process_output.log']);
    const result = tree[0];
    expect(result?.entry).toBeUndefined();
    expect(result?.children.map((n) => [n.name, n.path])).toEqual([
      ['cg', 'result/cg'],
      ['log', 'result/log'],
      ['snapshot_iter_600', 'result/snapshot_iter_600'],
    ]);
    expect(result?.children[0]?.children[0]?.entry?.path).toBe('result/cg/graph.dot');
  });

  test('a file and a folder of the same name stay apart', () => {
    const tree = buildTree([entry('out'), entry('out/x.log')]);
    expect(tree.map((n) => [n.name, n.entry ? 'file' : 'folder'])).toEqual([
      ['out', 'folder'],
      ['out', 'file'],
    ]);
  });

  test('binary files are not offered for following', () => {
    expect(isTextLike('result/log')).toBe(true);
    expect(isTextLike('process_output.log')).toBe(true);
    expect(isTextLike('model.pth')).toBe(false);
    expect(isTextLike('out/mesh.tar.gz')).toBe(false);
  });
});
