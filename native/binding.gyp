{
  "targets": [
    {
      "target_name": "fullduplex_native",
      "sources": ["src/addon.c", "src/asr_pocketsphinx.c", "src/tts_flite.c", "src/lm_ngram.c", "src/resampler_speex.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wno-unused-parameter", "<!@(pkg-config --cflags pocketsphinx sphinxbase speexdsp)", "-I/usr/include/flite"],
      "libraries": [
        "<!@(pkg-config --libs pocketsphinx sphinxbase speexdsp)",
        "-lflite_cmu_us_slt", "-lflite_cmu_us_rms", "-lflite_cmu_us_awb", "-lflite_cmu_us_kal16", "-lflite_cmu_us_kal",
        "-lflite_usenglish", "-lflite_cmulex", "-lflite", "-lm", "-lpthread"
      ]
    }
  ]
}
