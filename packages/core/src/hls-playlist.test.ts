import { describe, expect, it } from 'vitest';
import { HlsPlaylistError, parseMasterPlaylist, parseMediaPlaylist } from './hls-playlist';

const SINGLE_FILE = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="media.mp4",BYTERANGE="1312@0"
#EXTINF:4.000000,
#EXT-X-BYTERANGE:1037499@1312
media.mp4
#EXTINF:4.000000,
#EXT-X-BYTERANGE:1042830
media.mp4
#EXTINF:2.000000,
#EXT-X-BYTERANGE:501251@2081641
media.mp4
#EXT-X-ENDLIST
`;

describe('parseMediaPlaylist', () => {
  it('reads the init range and every segment range of a single-file rung, continuing ranges without an offset', () => {
    const p = parseMediaPlaylist(SINGLE_FILE);
    expect(p).toMatchObject({ targetDuration: 4, initUri: 'media.mp4', initRange: { offset: 0, length: 1312 }, ended: true });
    expect(p.segments).toEqual([
      { uri: 'media.mp4', durationS: 4, byteRange: { offset: 1312, length: 1037499 } },
      { uri: 'media.mp4', durationS: 4, byteRange: { offset: 1038811, length: 1042830 } },
      { uri: 'media.mp4', durationS: 2, byteRange: { offset: 2081641, length: 501251 } },
    ]);
  });

  it('reads one-file-per-segment playlists with no ranges', () => {
    const p = parseMediaPlaylist('#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg_1.m4s\n#EXTINF:1.5,\nseg_2.m4s\n');
    expect(p.initRange).toBeNull();
    expect(p.ended).toBe(false);
    expect(p.segments).toEqual([
      { uri: 'seg_1.m4s', durationS: 4, byteRange: null },
      { uri: 'seg_2.m4s', durationS: 1.5, byteRange: null },
    ]);
  });

  it('refuses malformed ranges and offsetless ranges that continue nothing, naming the line', () => {
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:12x@0\na.mp4\n')).toThrow(/line 3: "12x@0" is not a byte range/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:100\na.mp4\n')).toThrow(HlsPlaylistError);
    // A range on another URI does not continue: b.mp4 has no previous range.
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:10@0\na.mp4\n#EXTINF:4,\n#EXT-X-BYTERANGE:10\nb.mp4\n')).toThrow(/line 6: .*does not continue/);
    expect(() => parseMediaPlaylist('#EXTM3U\n#EXT-X-MAP:URI="a.mp4",BYTERANGE="-1@0"\n')).toThrow(/not a byte range/);
    expect(() => parseMediaPlaylist('not a playlist')).toThrow(/no #EXTM3U/);
  });
});

describe('parseMasterPlaylist', () => {
  it('reads each variant with its attributes', () => {
    const m = parseMasterPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=480x360,CODECS="avc1.64001e,mp4a.40.2"\nv0/index.m3u8\n');
    expect(m).toEqual([{ uri: 'v0/index.m3u8', attrs: { BANDWIDTH: '800000', RESOLUTION: '480x360', CODECS: 'avc1.64001e,mp4a.40.2' } }]);
  });
});
