package dev.weft.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table as kubectl and istioctl print them: columns padded to the widest cell plus three spaces. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... headings) {
    this.columns = headings.length;
    rows.add(headings);
  }

  Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
    }
    rows.add(cells);
    return this;
  }

  /** Rows after the heading. */
  int size() {
    return rows.size() - 1;
  }

  void print(PrintWriter out) {
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(c < columns - 1 ? String.format("%-" + (width[c] + 3) + "s", row[c]) : row[c]);
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
