/**
 * Checkpoint coordinator, filesystem storage, restore and savepoints. Built by the checkpointing
 * issue; it drives backends only through {@code dev.cairn.state.spi}.
 */
package dev.cairn.checkpoint;
