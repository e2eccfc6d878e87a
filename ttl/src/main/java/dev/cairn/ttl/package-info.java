/**
 * Time-to-live for keyed state over any backend: {@link dev.cairn.ttl.TtlStateBackend} wraps a
 * {@link dev.cairn.state.KeyedStateBackend} and gives each value, list element and map entry its own
 * last-access timestamp, configured by {@link dev.cairn.ttl.TtlConfig}.
 */
package dev.cairn.ttl;
