package dev.cairn.checkpoint.storage;

/**
 * A file as recorded in checkpoint metadata: its name relative to the checkpoint directory, its total
 * size and the CRC32C of everything before its trailer.
 *
 * @param name the file name
 * @param size the size in bytes, framing included
 * @param crc32c the checksum stored in the trailer
 */
public record StoredFile(String name, long size, int crc32c) {}
