// Opening the Cursor login page. Browsers block a window.open that happens after an
// await, so the tab is opened blank inside the click and pointed at the URL once the
// relay returns it. In Electron the window-open handler sends http(s) URLs to the
// system browser and refuses the blank one, so we open the URL directly there.
export interface PendingTab {
  go(url: string): void;
  close(): void;
}

export function openPendingTab(): PendingTab {
  let tab: Window | null = null;
  try {
    tab = window.open("about:blank", "_blank");
  } catch {
    tab = null;
  }
  if (tab) tab.opener = null;
  return {
    go(url) {
      if (!/^https?:\/\//i.test(url)) return;
      if (tab && !tab.closed) tab.location.href = url;
      else window.open(url, "_blank", "noopener,noreferrer");
    },
    close() {
      if (tab && !tab.closed) tab.close();
    },
  };
}
