import { NdjsonSplitter } from '../../activities/planner/ndjson';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('NdjsonSplitter', () => {
  test.each<[string, (string | Uint8Array)[], string[], number]>([
    ['one line', ['{"a":1}\n'], ['{"a":1}'], 0],
    ['several lines in one chunk', ['{"a":1}\n{"a":2}\n'], ['{"a":1}', '{"a":2}'], 0],
    ['a line split across chunks', ['{"', 'a"', ':1}\n'], ['{"a":1}'], 0],
    ['a chunk ending a line and starting the next', ['{"a":1', '}\n{"a"', ':2}\n'], ['{"a":1}', '{"a":2}'], 0],
    ['CRLF', ['{"a":1}\r\n{"a":2}\r\n'], ['{"a":1}', '{"a":2}'], 0],
    ['CR and LF in different chunks', ['{"a":1}\r', '\n'], ['{"a":1}'], 0],
    ['blank lines are returned as empty', ['\n\r\n{"a":1}\n'], ['', '', '{"a":1}'], 0],
    [
      'a multi-byte character split across chunks',
      [utf8('{"ö":1}\n').subarray(0, 3), utf8('{"ö":1}\n').subarray(3)],
      ['{"ö":1}'],
      0,
    ],
    ['strings and Uint8Arrays mixed', ['{"a"', new Uint8Array(utf8(':1}\n'))], ['{"a":1}'], 0],
    ['a line exactly at the cap', ['0123456789\n'], ['0123456789'], 0],
    ['a line over the cap in one chunk', ['0123456789X\n{"a":1}\n'], ['{"a":1}'], 1],
    ['a line over the cap across chunks', ['012345', '6789X', 'YZ', '\n{"a":1}\n'], ['{"a":1}'], 1],
    ['an over-long line ending in the chunk that crosses the cap', ['01234567', '89XY\n{"a":1}\n'], ['{"a":1}'], 1],
    ['two over-long lines in a row', ['0123456789XY\n', '0123456789XY\n'], [], 2],
    ['no newline yet', ['{"a":1}'], [], 0],
  ])('%s', (_name, chunks, lines, tooLong) => {
    const splitter = new NdjsonSplitter({ maxLineBytes: 10 });
    expect(chunks.flatMap((chunk) => splitter.push(chunk))).toEqual(lines);
    expect(splitter.tooLong).toBe(tooLong);
  });

  test('the cap defaults to 64 KiB', () => {
    const splitter = new NdjsonSplitter();
    expect(splitter.push(`${'x'.repeat(64 * 1024)}\n${'y'.repeat(64 * 1024 + 1)}\n`)).toEqual(['x'.repeat(64 * 1024)]);
    expect(splitter.tooLong).toBe(1);
  });

  test('an over-long line is discarded as it arrives, and the splitter recovers at its newline', () => {
    const splitter = new NdjsonSplitter({ maxLineBytes: 100 });
    for (let i = 0; i < 1000; i += 1) expect(splitter.push('x'.repeat(1000))).toEqual([]);
    expect(splitter.tooLong).toBe(1);
    expect(splitter.push('x\n{"a":1}\n')).toEqual(['{"a":1}']);
    expect(splitter.tooLong).toBe(1);
  });

  test.each<[string, string[], string | undefined]>([
    ['a last line without newline', ['{"a":1}\n{"a":2}'], '{"a":2}'],
    ['a last line without newline, with CR', ['{"a":2}\r'], '{"a":2}'],
    ['nothing pending', ['{"a":1}\n'], undefined],
    ['an over-long line pending', ['0123456789XYZ'], undefined],
  ])('end(): %s', (_name, chunks, last) => {
    const splitter = new NdjsonSplitter({ maxLineBytes: 10 });
    for (const chunk of chunks) splitter.push(chunk);
    expect(splitter.end()).toBe(last);
    expect(splitter.end()).toBeUndefined();
  });
});
