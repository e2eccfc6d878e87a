/**
 * Time-to-live decorator over any keyed state backend. Built by the TTL issue.
 */
package dev.cairn.ttl;
