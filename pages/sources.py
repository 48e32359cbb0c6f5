import streamlit as st

st.title("sources")
