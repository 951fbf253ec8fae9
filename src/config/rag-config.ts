/**
 * RAG variables: how documents are split, embedded and ranked, and what may be uploaded.
 */
import type { EnvironmentReader } from './environment-reader';
import { maskUrlPassword } from './mask-secret';
import type { RagConfig } from './types';
import { anyText, decimalNumber, oneOf, parseBoolean, parseHttpUrl, wholeNumber } from './value-parsers';

const fraction = decimalNumber({ min: 0, max: 1 });

function readChunking(reader: EnvironmentReader): Pick<RagConfig, 'chunkSize' | 'chunkOverlap' | 'textSplitter'> {
  const chunkSize = reader.read('CHUNK_SIZE', wholeNumber({ min: 1 }), 1000);
  const chunkOverlap = reader.read('CHUNK_OVERLAP', wholeNumber({ min: 0 }), 100);
  if (chunkOverlap >= chunkSize && !reader.hasProblem('CHUNK_SIZE') && !reader.hasProblem('CHUNK_OVERLAP')) {
    const sizeNote = reader.isSet('CHUNK_SIZE') ? '' : ' (the default)';
    reader.problem('CHUNK_OVERLAP', String(chunkOverlap), `CHUNK_OVERLAP=${chunkOverlap} must be smaller than CHUNK_SIZE=${chunkSize}${sizeNote}`);
  }
  const textSplitter = reader.read('RAG_TEXT_SPLITTER', oneOf(['character', 'token'] as const), 'character');
  return { chunkSize, chunkOverlap, textSplitter };
}

function readEmbedding(reader: EnvironmentReader): Pick<RagConfig, 'embeddingEngine' | 'embeddingModel' | 'embeddingBatchSize'> {
  const embeddingEngine = reader.read<RagConfig['embeddingEngine']>(
    'RAG_EMBEDDING_ENGINE',
    oneOf(['ollama', 'openai'] as const),
    '',
    { defaultNote: 'none configured' },
  );
  const embeddingModel = reader.read('RAG_EMBEDDING_MODEL', anyText, '');
  const embeddingBatchSize = reader.read('RAG_EMBEDDING_BATCH_SIZE', wholeNumber({ min: 1 }), 1, {
    aliases: ['RAG_EMBEDDING_OPENAI_BATCH_SIZE'],
  });
  return { embeddingEngine, embeddingModel, embeddingBatchSize };
}

function readReranking(reader: EnvironmentReader): Pick<RagConfig, 'rerankingEngine' | 'externalRerankerUrl'> {
  const rerankingEngine = reader.read<RagConfig['rerankingEngine']>('RAG_RERANKING_ENGINE', oneOf(['external'] as const), '', {
    defaultNote: 'no reranking',
  });
  const externalRerankerUrl = reader.readOptional('RAG_EXTERNAL_RERANKER_URL', parseHttpUrl, { mask: maskUrlPassword });
  if (rerankingEngine === 'external' && externalRerankerUrl === undefined && !reader.hasProblem('RAG_EXTERNAL_RERANKER_URL')) {
    reader.problem(
      'RAG_RERANKING_ENGINE',
      'external',
      'RAG_RERANKING_ENGINE=external needs RAG_EXTERNAL_RERANKER_URL; expected the http(s) URL of a rerank endpoint there',
    );
  }
  return { rerankingEngine, externalRerankerUrl };
}

/** Reads the RAG group. */
export function readRagConfig(reader: EnvironmentReader): RagConfig {
  reader.startGroup('RAG');
  const topK = reader.read('RAG_TOP_K', wholeNumber({ min: 1, max: 1000 }), 3);
  const relevanceThreshold = reader.read('RAG_RELEVANCE_THRESHOLD', fraction, 0);
  const enableHybridSearch = reader.read('ENABLE_RAG_HYBRID_SEARCH', parseBoolean, false);
  const hybridBm25Weight = reader.read('RAG_HYBRID_BM25_WEIGHT', fraction, 0.5);
  const chunking = readChunking(reader);
  const embedding = readEmbedding(reader);
  const reranking = readReranking(reader);
  const pdfExtractImages = reader.read('PDF_EXTRACT_IMAGES', parseBoolean, false);
  const fileMaxSizeMb = reader.readOptional('FILE_MAX_SIZE', decimalNumber({ min: 0, aboveMin: true, unit: 'MB' }), {
    aliases: ['RAG_FILE_MAX_SIZE'],
    defaultNote: 'no limit',
  });
  const doclingServerUrl = reader.readOptional('DOCLING_SERVER_URL', parseHttpUrl, { mask: maskUrlPassword });
  const doclingForceOcr = reader.read('DOCLING_FORCE_OCR', parseBoolean, false);
  return {
    topK,
    relevanceThreshold,
    enableHybridSearch,
    hybridBm25Weight,
    ...chunking,
    ...embedding,
    ...reranking,
    pdfExtractImages,
    fileMaxSizeMb,
    doclingServerUrl,
    doclingForceOcr,
  };
}
