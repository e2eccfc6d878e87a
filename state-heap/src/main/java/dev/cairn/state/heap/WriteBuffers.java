package dev.cairn.state.heap;

import dev.cairn.state.serde.DataOutputBuffer;
import java.util.ArrayList;
import java.util.List;

/** Buffers reused while one snapshot is written. */
final class WriteBuffers {

  final DataOutputBuffer key = new DataOutputBuffer(256);
  final DataOutputBuffer userKey = new DataOutputBuffer(256);
  final DataOutputBuffer value = new DataOutputBuffer(1024);
  final List<byte[]> elements = new ArrayList<>();
}
