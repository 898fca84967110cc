package dev.weft.config.validate;

/**
 * The syntax of Envoy custom header values ({@code "%DOWNSTREAM_REMOTE_ADDRESS%"},
 * {@code "%PER_REQUEST_STATE(key)%"}, {@code "100%%"}), checked as Envoy's header_parser does (and
 * Istio's port of it): variables are not looked up, only their shape.
 */
final class EnvoyHeaderFormat {
  private EnvoyHeaderFormat() {}

  private enum State { LITERAL, NAME, EXPECT_ARRAY, EXPECT_STRING, STRING, EXPECT_DELIMITER_OR_END, EXPECT_ARGS_END, EXPECT_VARIABLE_END }

  /** Null when well formed, else what is wrong (Istio's wording). */
  static String problem(String value) {
    State state = State.LITERAL;
    for (int pos = 0; pos < value.length(); pos++) {
      char ch = value.charAt(pos);
      boolean hasNext = pos + 1 < value.length();
      switch (state) {
        case LITERAL -> {
          if (ch == '%') {
            if (!hasNext) {
              return "invalid header configuration. Un-escaped %";
            }
            if (value.charAt(pos + 1) == '%') {
              pos++;
            } else {
              state = State.NAME;
            }
          }
        }
        case NAME -> {
          if (ch == '%') {
            state = State.LITERAL;
          } else if (ch == '(') {
            state = State.EXPECT_ARRAY;
          }
        }
        case EXPECT_ARRAY -> {
          if (ch == '[') {
            state = State.EXPECT_STRING;
          } else if (ch != ' ') {
            state = State.STRING;
          }
        }
        case EXPECT_DELIMITER_OR_END -> {
          if (ch == ',') {
            state = State.EXPECT_STRING;
          } else if (ch == ']') {
            state = State.EXPECT_ARGS_END;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting ',', ']', or whitespace";
          }
        }
        case EXPECT_STRING -> {
          if (ch == '"') {
            state = State.STRING;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting '\"'";
          }
        }
        case STRING -> {
          if (ch == '\\') {
            if (!hasNext) {
              return "invalid header configuration. Un-terminated backslash in JSON string";
            }
            pos++;
          } else if (ch == ')') {
            state = State.EXPECT_VARIABLE_END;
          } else if (ch == '"') {
            state = State.EXPECT_DELIMITER_OR_END;
          }
        }
        case EXPECT_ARGS_END -> {
          if (ch == ')') {
            state = State.EXPECT_VARIABLE_END;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting ')' or whitespace after ']'";
          }
        }
        case EXPECT_VARIABLE_END -> {
          if (ch == '%') {
            state = State.LITERAL;
          } else if (ch != ' ') {
            return "invalid header configuration. Expecting '%' or whitespace after ')'";
          }
        }
      }
    }
    return state == State.LITERAL ? null : "invalid header configuration. Un-terminated variable expression '" + value + "'";
  }
}
