/**
 * @module Where a TensorFlow checkpoint is, from what a user points at: a prefix (`…/UGATIT.model-1000000`),
 * its `.index` or a `.data-*` file, a checkpoint folder (its `checkpoint` file names the newest prefix),
 * or a zip holding the checkpoint (read in place, never extracted).
 */
import { type FileHandle, open, readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join } from "node:path";
import { type ByteSource, fileSource, readBytes } from "../byte-source.ts";
import { CheckpointError, fileLabel } from "../errors.ts";
import type { WeightFile } from "../weight-file.ts";
import { entrySource, readEntry, type ZipEntry } from "../zip.ts";
import { openTfBundle } from "./bundle.ts";
import { FOOTER_SIZE, hasTableMagic } from "./table.ts";

const INDEX_SUFFIX = ".index";
const DATA_SUFFIX = /\.data-\d{5}-of-\d{5}$/;
/** The folder's `checkpoint` file (a CheckpointState text proto) names the newest prefix. */
const STATE_FILE = "checkpoint";
/** A `checkpoint` file names a few paths; anything much larger is not one and is not read. */
const MAX_STATE_BYTES = 1 << 20;
const NEWEST = /^model_checkpoint_path:\s*"((?:[^"\\]|\\.)*)"/m;

export function shardSuffix(shard: number, shards: number): string {
  return `.data-${String(shard).padStart(5, "0")}-of-${String(shards).padStart(5, "0")}`;
}

/**
 * The checkpoint prefix `path` designates, or null when `path` is a plain file for the other readers:
 * a prefix whose `.index` exists, a `.index`/`.data-*` file, or a folder (newest checkpoint in it).
 */
export async function tfPrefixOf(path: string): Promise<string | null> {
  const stats = await stat(path).catch(() => null);
  if (!stats) return (await exists(path + INDEX_SUFFIX)) ? path : null;
  if (stats.isDirectory()) return newestInFolder(path);
  if (path.endsWith(INDEX_SUFFIX)) return path.slice(0, -INDEX_SUFFIX.length);
  if (DATA_SUFFIX.test(path)) return path.replace(DATA_SUFFIX, "");
  return null;
}

/** Opens the bundle at `prefix`: reads its index; each data shard is opened when first read. */
export async function openBundleAtPrefix(
  prefix: string,
  indexPath = prefix + INDEX_SUFFIX,
): Promise<WeightFile> {
  const indexLabel = fileLabel(indexPath);
  const index = await readIndexFile(indexPath, indexLabel);
  const handles: FileHandle[] = [];
  return openTfBundle({
    indexLabel,
    index,
    shardLabel: (shard, shards) => fileLabel(prefix + shardSuffix(shard, shards)),
    async openShard(shard, shards) {
      const path = prefix + shardSuffix(shard, shards);
      const fh = await open(path, "r").catch((cause: NodeJS.ErrnoException) => {
        if (cause.code === "ENOENT") return null;
        throw new CheckpointError(
          "unreadable",
          fileLabel(path),
          `unreadable: cannot open it (${cause.code})`,
          {
            cause,
          },
        );
      });
      if (!fh) return null;
      handles.push(fh);
      return fileSource(fh, (await fh.stat()).size, fileLabel(path));
    },
    async close() {
      await Promise.all(handles.splice(0).map((fh) => fh.close()));
    },
  });
}

/** True when the zip holds a TensorFlow checkpoint (a `.index` member). */
export function zipHoldsBundle(entries: Map<string, ZipEntry>): boolean {
  return [...entries.keys()].some((name) => name.endsWith(INDEX_SUFFIX));
}

/**
 * Opens the checkpoint inside a zip without extracting it: the `.index` member is inflated (it is
 * small); the data members are read in place (stored) or inflated as they are read (deflated).
 */
export async function openZippedBundle(
  archive: ByteSource,
  entries: Map<string, ZipEntry>,
  zipLabel: string,
  close: () => Promise<void>,
): Promise<WeightFile> {
  const indexName = await newestInZip(archive, entries, zipLabel);
  const prefix = indexName.slice(0, -INDEX_SUFFIX.length);
  const label = (member: string) => `${zipLabel}:${basename(member)}`;
  const indexEntry = entries.get(indexName)!;
  checkIndexSize(indexEntry.size, label(indexName));
  return openTfBundle({
    indexLabel: label(indexName),
    index: await readEntry(archive, indexEntry, zipLabel, MAX_INDEX_BYTES),
    shardLabel: (shard, shards) => label(prefix + shardSuffix(shard, shards)),
    async openShard(shard, shards) {
      const member = prefix + shardSuffix(shard, shards);
      const entry = entries.get(member);
      return entry ? entrySource(archive, entry, label(member)) : null;
    },
    close,
  });
}

/**
 * The whole index, once its end shows the table magic: a large file that is no index is refused
 * without being read into memory.
 */
async function readIndexFile(path: string, label: string): Promise<Uint8Array> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new CheckpointError("unreadable", label, `unreadable: cannot open it (${code})`, { cause });
  }
  try {
    const { size } = await fh.stat();
    const source = fileSource(fh, size, label);
    if (
      !hasTableMagic(await readBytes(source, Math.max(0, size - FOOTER_SIZE), Math.min(size, FOOTER_SIZE)))
    ) {
      throw new CheckpointError(
        "not_a_checkpoint",
        label,
        "not a checkpoint: no TensorFlow table footer (magic 0xdb4775248b80fb57) at the end",
      );
    }
    checkIndexSize(size, label);
    return await readBytes(source, 0, size);
  } finally {
    await fh.close();
  }
}

/** The largest index read: TensorFlow's indexes hold a few hundred bytes per tensor. */
const MAX_INDEX_BYTES = 1 << 30;

function checkIndexSize(size: number, label: string): void {
  if (size > MAX_INDEX_BYTES) {
    throw new CheckpointError(
      "corrupt",
      label,
      `corrupt index: ${size} bytes, more than the ${MAX_INDEX_BYTES} any real checkpoint's index needs`,
    );
  }
}

/**
 * The prefix the folder's `checkpoint` file names, else its only `.index`, else the one checkpoint in
 * its subfolders (an extracted release: `checkpoint/UGATIT_selfie2anime_…/`; a SavedModel's `variables/`).
 */
async function newestInFolder(folder: string, depth = 0): Promise<string> {
  const state = await readStateFile(join(folder, STATE_FILE));
  const named = state === null ? null : NEWEST.exec(state)?.[1];
  if (named) {
    const prefix = unescapeProto(named);
    const candidates = isAbsolute(prefix) ? [prefix, join(folder, basename(prefix))] : [join(folder, prefix)];
    for (const candidate of candidates) if (await exists(candidate + INDEX_SUFFIX)) return candidate;
    throw new CheckpointError(
      "unreadable",
      fileLabel(folder),
      `unreadable: its checkpoint file names ${prefix}, but ${basename(prefix)}${INDEX_SUFFIX} is not in the folder`,
    );
  }
  const listing = await readdir(folder, { withFileTypes: true });
  const indexes = listing.filter((e) => e.isFile() && e.name.endsWith(INDEX_SUFFIX)).map((e) => e.name);
  if (indexes.length === 1) return join(folder, indexes[0]!.slice(0, -INDEX_SUFFIX.length));
  if (indexes.length === 0 && depth === 0) {
    const inside: string[] = [];
    for (const sub of listing.filter((e) => e.isDirectory())) {
      const prefix = await newestInFolder(join(folder, sub.name), depth + 1).catch(() => null);
      if (prefix !== null) inside.push(prefix);
    }
    if (inside.length === 1) return inside[0]!;
  }
  const found = indexes.length === 0 ? "no .index file" : `several (${indexes.sort().join(", ")}); name one`;
  throw new CheckpointError(
    "not_a_checkpoint",
    fileLabel(folder),
    `not a checkpoint: a folder without a ${STATE_FILE} file, with ${found}`,
  );
}

/** The `.index` member named by a `checkpoint` member in its folder, else the only one. */
async function newestInZip(
  archive: ByteSource,
  entries: Map<string, ZipEntry>,
  zipLabel: string,
): Promise<string> {
  const indexes = [...entries.keys()].filter((name) => name.endsWith(INDEX_SUFFIX)).sort();
  if (indexes.length === 1) return indexes[0]!;
  for (const name of entries.keys()) {
    if (basename(name) !== STATE_FILE || entries.get(name)!.size > MAX_STATE_BYTES) continue;
    const named = NEWEST.exec(
      new TextDecoder().decode(await readEntry(archive, entries.get(name)!, zipLabel, MAX_STATE_BYTES)),
    )?.[1];
    const folder = dirname(name) === "." ? "" : `${dirname(name)}/`;
    const member = named ? `${folder}${basename(unescapeProto(named))}${INDEX_SUFFIX}` : null;
    if (member && entries.has(member)) return member;
  }
  throw new CheckpointError(
    "not_a_checkpoint",
    zipLabel,
    `not a checkpoint: the zip holds several TensorFlow checkpoints and no checkpoint file naming one (${indexes.join(", ")})`,
  );
}

/** The folder's `checkpoint` file, or null when there is none (or it is too large to be one). */
async function readStateFile(path: string): Promise<string | null> {
  const stats = await stat(path).catch(() => null);
  if (!stats?.isFile() || stats.size > MAX_STATE_BYTES) return null;
  return readFile(path, "utf8").catch(() => null);
}

/** The text proto's string escapes that paths use. */
function unescapeProto(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
