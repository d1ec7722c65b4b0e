"""The eval suite: faithfulness, citations, retrieval and refusal, measured through `assistant.Assistant`."""
