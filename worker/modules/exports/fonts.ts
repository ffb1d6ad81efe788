import notoSansRegular from '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf';
import notoSansBold from '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf';

/**
 * Noto Sans (Latin, Greek, Cyrillic, Vietnamese), imported as bytes by the
 * `Data` rule for *.ttf in wrangler.toml. The ambient `*.ttf` type (Vite's asset
 * URL string) does not describe what the Data rule gives: an ArrayBuffer.
 */
export const PDF_FONTS = {
  regular: notoSansRegular as unknown as ArrayBuffer,
  bold: notoSansBold as unknown as ArrayBuffer,
};
