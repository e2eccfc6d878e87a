/**
 * The heap state backend: keyed state as Java objects laid out by key group, with copy-on-write
 * snapshots whose synchronous part does not depend on the amount of state. The only public type is
 * {@link dev.cairn.state.heap.HeapStateBackend}.
 */
package dev.cairn.state.heap;
