// Adapts electron-updater's AppUpdater (the app's autoUpdater in Electron; an AppImageUpdater with a Node
// HTTP executor in tests) to UpdaterPort. It never downloads on its own: autoDownload is off, and its
// isUpdateSupported hook answers only what the last verified check accepts, so electron-updater refuses
// any other offer itself. Staging was decided by the verified check with the studio's staging id, which
// is also sent to the server (x-user-staging-id) so both see the same rollout.
import type { AppUpdater, ProgressInfo, UpdateInfo } from 'electron-updater';
import type { UpdaterOffer, UpdaterPort } from './gated-updater.js';

function offerOf(info: UpdateInfo): UpdaterOffer {
  return { version: info.version, files: (info.files ?? []).map((f) => ({ url: f.url, sha512: f.sha512, size: f.size })) };
}

export function electronUpdaterPort(updater: AppUpdater): UpdaterPort {
  let accept: (offer: UpdaterOffer) => boolean = () => false;
  updater.autoDownload = false;
  updater.autoInstallOnAppQuit = false;
  updater.isUpdateSupported = (info) => accept(offerOf(info));
  updater.isUserWithinRollout = () => true;

  return {
    prepare(o) {
      accept = o.accept;
      updater.setFeedURL({ provider: 'generic', url: o.feedUrl, channel: o.channel });
      updater.channel = o.channel;
      // Setting a channel turns electron-updater's allowDowngrade on; only a chosen downgrade may.
      updater.allowDowngrade = o.allowDowngrade;
      updater.requestHeaders = { ...updater.requestHeaders, 'x-user-staging-id': o.stagingId };
    },
    inactiveReason() {
      return updater.isUpdaterActive() ? null : 'electron-updater is off in this build (a development run, or an AppImage started without APPIMAGE)';
    },
    async check() {
      const r = await updater.checkForUpdates();
      if (!r) return null;
      const offer = offerOf(r.updateInfo);
      // Not available because our hook refused it: hand the offer back so the refusal can name it.
      if (!r.isUpdateAvailable) return accept(offer) ? null : offer;
      return offer;
    },
    async download(onProgress) {
      const listener = (p: ProgressInfo) => onProgress({ percent: p.percent, transferred: p.transferred, total: p.total });
      updater.on('download-progress', listener);
      try {
        await updater.downloadUpdate();
      } finally {
        updater.off('download-progress', listener);
      }
    },
    install() {
      updater.quitAndInstall(false, true);
    },
  };
}
