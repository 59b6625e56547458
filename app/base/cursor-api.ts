// Where Cursor's API lives unless the user points the relay elsewhere (--cursor-api). Kept
// apart from the transport so the CLI options can name it without loading HTTP/2 code.
export const DEFAULT_CURSOR_API = "https://api2.cursor.sh";
