/**
 * Time-to-live for keyed state over any backend: {@link dev.cairn.ttl.TtlStateBackend} wraps a
 * {@link dev.cairn.state.KeyedStateBackend} and gives each value, list element and map entry of a
 * state whose descriptor has a {@link dev.cairn.state.TtlConfig} its own last-access timestamp.
 */
package dev.cairn.ttl;
